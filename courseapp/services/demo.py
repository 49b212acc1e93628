"""Build the model course from its data file. Running it again changes nothing.

As published, the course keeps the course page's Fall 2024 dates. Living (``today`` given), the
term moves by whole weeks so that today falls in its fifth week, and the course has a term's
activity so far: seats taken, reviews of the past meetings' papers (some late, a few drafts),
presentations graded and released.
"""

import dataclasses
import datetime
import random
import tomllib
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import models, transaction
from django.utils import timezone

from ..models import Component, Course, Listing, Meeting, Membership, Reading, Section, Signup, Slot
from ..selectors import course_rubrics
from .grading import release_set, rubrics_create, score_set
from .reviews import draft_save, review_submit

DEMO_FILE = Path(__file__).resolve().parent.parent / "demo" / "cs496-fall-2024.toml"


@dataclasses.dataclass
class DemoResult:
    course: Course = dataclasses.field(init=False)  # set once the course row is made
    instructor: str
    students: list[str]
    password: str
    created: int = 0  # rows written for the first time; 0 on a second run
    updated: int = 0


def _upsert[M: models.Model](model: type[M], result: DemoResult, lookup: dict, values: dict) -> M:
    """get_or_create, then save only the fields that differ: a second run writes nothing."""
    obj, created = model._default_manager.get_or_create(**lookup, defaults=values)
    if created:
        result.created += 1
        return obj
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.save(update_fields=changed)
        result.updated += 1
    return obj


def _aware(value: datetime.datetime, course_tz) -> datetime.datetime:
    return value.replace(tzinfo=course_tz)


# The living demo's today falls in this week of the term.
LIVING_WEEK = 5


def living_shift(published_start: datetime.date, today: datetime.date) -> datetime.timedelta:
    """Whole weeks that put ``today`` in the fifth week of a term published as starting ``published_start``:
    the new start is the last day of the same weekday at least four weeks before today."""
    latest = today - datetime.timedelta(weeks=LIVING_WEEK - 1)
    start = latest - datetime.timedelta(days=(latest.weekday() - published_start.weekday()) % 7)
    return start - published_start


def demo_course_load(*, path: Path = DEMO_FILE, today: datetime.date | None = None) -> DemoResult:
    """Create or bring up to date the demo course, its accounts, reading list and calendar.

    ``today``: make it the living demo (dates around today, and a term's activity); None keeps the page's dates.
    """
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    with transaction.atomic():
        result = _load(data, today=today)
        if today is not None:
            _activity(result, today)
        return result


def _term_name(start: datetime.date) -> str:
    season = "Spring" if start.month <= 5 else "Summer" if start.month <= 8 else "Fall"
    return f"{season} {start.year}"


def _load(data: dict, *, today: datetime.date | None) -> DemoResult:
    spec = dict(data["course"])
    slug = spec.pop("slug")
    shift = living_shift(spec["term_starts_on"], today) if today else datetime.timedelta()
    course_tz = Course(time_zone=spec["time_zone"]).tzinfo
    for key in ("exam_starts_at", "exam_ends_at"):
        spec[key] = _aware(spec[key] + shift, course_tz)
    spec["term_starts_on"] += shift
    spec["term_ends_on"] += shift
    if today:
        spec["term"] = _term_name(spec["term_starts_on"])
        # Sign-ups opened a week before the term and stay open two more weeks: the rest of the class can still sign up.
        opens = datetime.datetime.combine(
            spec["term_starts_on"] - datetime.timedelta(days=7), datetime.time(9), course_tz
        )
        spec["signup_opens_at"] = opens
        spec["signup_closes_at"] = datetime.datetime.combine(
            today + datetime.timedelta(days=14), datetime.time(23, 59), course_tz
        )
    spec["description"] = spec["description"].strip()
    spec["prerequisites"] = spec["prerequisites"].strip()

    accounts = data["accounts"]
    result = DemoResult(instructor=accounts["instructor"]["username"], students=[], password=accounts["password"])
    # Hash the shared demo password once: 25 slow hashes would make loading take seconds.
    password_hash = make_password(result.password)
    # A demo loaded on another day (or as published) moves: its meetings keep their rows, on new dates.
    existing = Course.objects.filter(slug=slug).first()
    if existing is not None and existing.term_starts_on != spec["term_starts_on"]:
        moved = spec["term_starts_on"] - existing.term_starts_on
        for meeting in existing.meetings.all():
            meeting.date += moved
            meeting.save(update_fields=["date"])
    course = _upsert(Course, result, {"slug": slug}, spec)
    result.course = course
    rubrics_create(course)

    instructor = _account(result, password_hash, **accounts["instructor"])
    _upsert(Membership, result, {"course": course, "user": instructor}, {"role": "instructor", "status": "active"})
    for number, name in enumerate(accounts["students"], start=1):
        username = f"student{number:02d}"
        first, _, last = name.partition(" ")
        student = _account(
            result, password_hash, username=username, first_name=first, last_name=last, email=f"{username}@example.edu"
        )
        _upsert(Membership, result, {"course": course, "user": student}, {"role": "student", "status": "active"})
        result.students.append(username)

    readings: dict[str, Reading] = {}
    for position, section_spec in enumerate(data["sections"]):
        _section(result, course, section_spec, parent=None, position=position, readings=readings)
    for spec in data["unlisted"]["readings"]:
        _reading(result, course, spec, readings)

    for meeting_spec in data["meetings"]:
        _meeting(result, course, meeting_spec | {"date": meeting_spec["date"] + shift}, readings)
    return result


def _account(result: DemoResult, password_hash: str, *, username: str, **fields):
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is None:
        # Demo addresses are made up, so nobody could confirm them: they count as confirmed.
        user = User.objects.create(
            username=username, password=password_hash, email_confirmed_at=timezone.now(), **fields
        )
        result.created += 1
    return user


def _reading(result: DemoResult, course: Course, spec: dict, readings: dict[str, Reading]) -> Reading:
    """One reading per work: the same arXiv id (or, without one, the same title) is the same reading."""
    arxiv_id = spec.get("arxiv", "")
    key = arxiv_id or spec["title"]
    if key in readings:
        return readings[key]
    values = {
        "title": spec["title"],
        "kind": spec.get("kind", Reading.Kind.PAPER),
        "url": spec.get("url") or (f"https://arxiv.org/abs/{arxiv_id}" if arxiv_id else ""),
    }
    lookup = {"course": course, "arxiv_id": arxiv_id} if arxiv_id else {"course": course, "title": spec["title"]}
    reading = _upsert(Reading, result, lookup, values)
    readings[key] = readings[spec["title"]] = reading
    return reading


def _section(result, course, spec, *, parent, position, readings) -> None:
    section = _upsert(
        Section, result, {"course": course, "parent": parent, "title": spec["title"]}, {"position": position}
    )
    for listing_position, reading_spec in enumerate(spec.get("readings", [])):
        reading = _reading(result, course, reading_spec, readings)
        _upsert(
            Listing,
            result,
            {"section": section, "reading": reading},
            {"position": listing_position, "annotation": reading_spec.get("note", "")},
        )
    for child_position, child in enumerate(spec.get("sections", [])):
        _section(result, course, child, parent=section, position=child_position, readings=readings)


def _meeting(result, course, spec, readings) -> None:
    meeting = _upsert(
        Meeting,
        result,
        {"course": course, "date": spec["date"]},
        {
            "kind": spec["kind"],
            "topic": spec.get("topic", ""),
            "starts_at": spec.get("starts_at"),
            "ends_at": spec.get("ends_at"),
        },
    )
    for position, slot_spec in enumerate(spec.get("slots", [])):
        title = slot_spec.get("reading")
        _upsert(
            Slot,
            result,
            {"meeting": meeting, "position": position},
            {
                "kind": slot_spec.get("kind", Slot.Kind.PAPER),
                "reading": readings[title] if title else None,
                "title": slot_spec.get("title", ""),
                "note": slot_spec.get("note", ""),
            },
        )


# Reviews are put together from short pieces, so that no two students' reviews share long runs of
# words (which the similarity check would flag, as it should).
_PIECES = [
    ["I think", "To me", "Honestly,", "On balance", "At first", "In short", "Frankly,", "Clearly", "Oddly,", "Still,"],
    ["the main claim", "the method", "the core idea", "the evaluation", "the second experiment", "the loss",
     "the ablation", "the dataset choice", "the framing", "the appendix"],
    ["holds up", "felt rushed", "is elegant", "is underexplained", "surprised me", "seems fragile", "is convincing",
     "needs baselines", "ages well", "raises questions"],
    ["because of scale", "given the compute", "for small data", "in practice", "on harder tasks", "for audio too",
     "beyond English", "at test time", "during training", "under noise"],
]  # fmt: skip


def _review_text(rng: random.Random, title: str, student: str) -> str:
    sentences = [" ".join(rng.choice(options) for options in _PIECES) + "." for _ in range(rng.randint(18, 30))]
    return " ".join([f"My review of {title}.", *sentences])


def _activity(result: DemoResult, today: datetime.date) -> None:
    """A term's activity up to today, made once (a second run finds seats taken and leaves it)."""
    course = result.course
    if Signup.objects.filter(slot__meeting__course=course).exists():
        return
    rng = random.Random(496)
    User = get_user_model()
    students = list(User.objects.filter(username__in=result.students).order_by("username"))
    instructor = User.objects.get(username=result.instructor)
    slots = list(
        Slot.objects.filter(meeting__course=course, kind=Slot.Kind.PAPER)
        .select_related("meeting", "reading")
        .order_by("meeting__date", "position")
    )
    past = [slot for slot in slots if slot.meeting.date < today]
    future = [slot for slot in slots if slot.meeting.date >= today]

    # Two thirds of the class present, in pairs: every paper presented so far, and a few to come.
    presenting = rng.sample(students, k=len(students) * 2 // 3)
    pairs = [presenting[i : i + 2] for i in range(0, len(presenting), 2)]
    presented = past + rng.sample(future, k=max(0, min(len(future), len(pairs) - len(past))))
    signups = []
    own_slot: dict[int, int] = {}
    for slot, pair in zip(presented, pairs, strict=False):
        for seat, student in enumerate(pair, start=1):
            signups.append(Signup(slot=slot, student=student, role=Signup.Role.PRESENTER, seat=seat))
            own_slot[student.pk] = slot.pk
    # Two thirds comment on two papers each, never their own, spread over the slots.
    seats_left = {slot.pk: course.seats_for(Signup.Role.COMMENTATOR) for slot in slots}
    for student in rng.sample(students, k=len(students) * 2 // 3):
        choices = [slot for slot in slots if slot.pk != own_slot.get(student.pk) and seats_left[slot.pk] > 0]
        for slot in rng.sample(choices, k=min(course.commentaries_per_student, len(choices))):
            seats_left[slot.pk] -= 1
            seat = course.seats_for(Signup.Role.COMMENTATOR) - seats_left[slot.pk]
            signups.append(Signup(slot=slot, student=student, role=Signup.Role.COMMENTATOR, seat=seat))
    Signup.objects.bulk_create(signups)
    result.created += len(signups)

    # Reviews of the past meetings' papers: most on time, some late; drafts for the next meeting.
    for slot in past:
        due, reading = slot.meeting.starts(), slot.reading
        assert reading is not None  # a paper's slot
        for student in students:
            if rng.random() > 0.75:
                continue
            late = rng.random() < 0.15
            moment = (
                due + datetime.timedelta(hours=rng.randint(2, 60))
                if late
                else due - datetime.timedelta(hours=rng.randint(3, 90))
            )
            text = _review_text(rng, reading.title, student.get_full_name())
            review_submit(reading=reading, student=student, text=text, attested=True, now=moment)
            result.created += 1
    for slot in future[:2]:
        reading = slot.reading
        assert reading is not None  # a paper's slot
        for student in rng.sample(students, k=3):
            draft_save(reading=reading, student=student, text=f"Notes on {reading.title}: the key idea is")
            result.created += 1

    # The presentations given so far are graded, and the presentation grades released.
    presentation = course_rubrics(course)[Component.PRESENTATION]
    by_slot: dict[int, list] = {}
    for signup in signups:
        if signup.role == Signup.Role.PRESENTER:
            by_slot.setdefault(signup.slot_id, []).append(signup.student)
    for slot in past[:3]:
        for criterion in presentation.criteria.all():
            points = max(0, criterion.max_points - rng.randint(0, 2))
            score_set(
                course=course, criterion_id=criterion.pk, students=by_slot[slot.pk], points=points,
                comment="Clear slides, and you kept to the time." if criterion.timed else "", slot=slot, by=instructor,
            )  # fmt: skip
            result.created += 1
    if past:
        release_set(course=course, component=Component.PRESENTATION, released=True, by=instructor)
