"""Marking, as plain functions: components scaled to their points, letters, a histogram, the timer's clock.

The default rubrics are the model course's, from its course page.
"""

from decimal import ROUND_HALF_UP, Decimal

ONE_PLACE = Decimal("0.1")

# component: [(name, description, max points, [[points, level], ...], timed)]
# Per component: each criterion's name, description, points, levels ([points, description]) and timed.
type DefaultCriterion = tuple[str, str, int, list[list[int | str]], bool]
DEFAULT_RUBRICS: dict[str, list[DefaultCriterion]] = {
    "reviews": [
        (
            "Review",
            "A one-page review of the reading in the student's own words.",
            2,
            [[2, "Engages with the ideas: what is new, what is doubtful, what follows"], [1, "Summarises only"]],
            False,
        ),
    ],
    "presentation": [
        (
            "1-on-1 meeting",
            "A 1-on-1 meeting before the presentation, to go over slides and talking points.",
            10,
            [],
            False,
        ),
        ("Initial slides", "Initial slides at the time of the 1-on-1 meeting.", 10, [], False),
        (
            "Presenting and leading the discussion",
            "Presenting the topic with updated slides in at most 30 minutes, then leading a 15-minute discussion. "
            "Keeping to the time limit is part of the grade.",
            15,
            [
                [15, "Clear, within time, a lively discussion"],
                [10, "Clear, a little over time or a thin discussion"],
                [5, "Hard to follow or well over time"],
                [0, "Did not present"],
            ],
            True,
        ),
        ("Final slides", "Final slides, updated in response to feedback from the presentation.", 5, [], False),
    ],
    "participation": [
        (
            "Commentary",
            "In class, on time and up on the material; informed, thoughtful answers when called on.",
            5,
            [[5, "Informed and engaged"], [3, "Brief or uninformed answers"], [0, "Absent"]],
            False,
        ),
    ],
    "final_exam": [
        (
            "Oral quiz",
            "Five minutes on a paper the student reviewed, answering questions: full points for having really read "
            "and understood it.",
            10,
            [],
            False,
        ),
    ],
}


def scaled(earned: Decimal, possible: Decimal, points: int) -> Decimal:
    """``earned`` of ``possible`` rubric points as a share of the component's ``points``, to one decimal."""
    if possible <= 0:
        return Decimal(0)
    return (Decimal(points) * earned / possible).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


def letter(percent: Decimal | float, scale: list[list]) -> str:
    """The letter a percentage earns on a scale of [letter, lowest percentage], best first."""
    for name, lowest in scale:
        if percent >= Decimal(str(lowest)):
            return name
    return scale[-1][0] if scale else ""


def histogram(totals: list[Decimal], *, bins: int = 10) -> list[tuple[int, int, int]]:
    """How many totals fall in each of ``bins`` equal ranges of 0-100: (low, high, count); 100 is in the last."""
    width = 100 // bins
    counts = [0] * bins
    for total in totals:
        counts[min(int(total) // width, bins - 1)] += 1
    return [(n * width, (n + 1) * width, count) for n, count in enumerate(counts)]


def clock(seconds: int | None) -> str:
    """Seconds as a clock reads them: 1865 is "31:05"."""
    if seconds is None:
        return "–"
    minutes, rest = divmod(max(0, int(seconds)), 60)
    return f"{minutes}:{rest:02d}"
