"""The final quiz's arithmetic, as plain functions: exam slot times and the seeded draw."""

import datetime
import random


def slot_times(starts: datetime.datetime, ends: datetime.datetime, minutes: int) -> list[datetime.datetime]:
    """The start of every whole slot of ``minutes`` in the window (9:00 to 11:00 by 5 minutes: 24)."""
    step = datetime.timedelta(minutes=minutes)
    times, at = [], starts
    while at + step <= ends:
        times.append(at)
        at += step
    return times


def pick(seed: int, student_id: int, eligible: list[int], *, round: int = 0, avoid: int | None = None) -> int | None:
    """One reading id chosen uniformly at random from ``eligible``, or None when there is none.

    The choice depends only on the seed, the student and the round, never on the order students
    are drawn in or on what else is in the database: the same seed gives the same draw, so it can
    be reproduced and audited. A redraw (round > 0) avoids the paper drawn before when it can.
    """
    choices = sorted(set(eligible) - {avoid}) or sorted(set(eligible))
    if not choices:
        return None
    return random.Random(f"{seed}:{student_id}:{round}").choice(choices)


def new_seed() -> int:
    """A seed for a draw, small enough for a PostgreSQL bigint."""
    return random.SystemRandom().randrange(1, 2**62)
