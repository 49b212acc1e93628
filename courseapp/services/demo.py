"""Build the model course from its data file. Running it again changes nothing."""

import dataclasses
import datetime
import tomllib
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import models, transaction

from ..models import Course, Listing, Meeting, Membership, Reading, Section, Slot

DEMO_FILE = Path(__file__).resolve().parent.parent / "demo" / "cs496-fall-2024.toml"


@dataclasses.dataclass
class DemoResult:
    course: Course
    instructor: str
    students: list[str]
    password: str
    created: int = 0  # rows written for the first time; 0 on a second run
    updated: int = 0


def _upsert[M: models.Model](model: type[M], result: DemoResult, lookup: dict, values: dict) -> M:
    """get_or_create, then save only the fields that differ: a second run writes nothing."""
    obj, created = model.objects.get_or_create(**lookup, defaults=values)
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


def demo_course_load(*, path: Path = DEMO_FILE) -> DemoResult:
    """Create or bring up to date the demo course, its accounts, reading list and calendar."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    with transaction.atomic():
        return _load(data)


def _load(data: dict) -> DemoResult:
    spec = dict(data["course"])
    slug = spec.pop("slug")
    course_tz = Course(time_zone=spec["time_zone"]).tzinfo
    for key in ("exam_starts_at", "exam_ends_at"):
        spec[key] = _aware(spec[key], course_tz)
    spec["description"] = spec["description"].strip()
    spec["prerequisites"] = spec["prerequisites"].strip()

    accounts = data["accounts"]
    result = DemoResult(
        course=None, instructor=accounts["instructor"]["username"], students=[], password=accounts["password"]
    )
    # Hash the shared demo password once: 25 slow hashes would make loading take seconds.
    password_hash = make_password(result.password)
    course = _upsert(Course, result, {"slug": slug}, spec)
    result.course = course

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
        _meeting(result, course, meeting_spec, readings)
    return result


def _account(result: DemoResult, password_hash: str, *, username: str, **fields):
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create(username=username, password=password_hash, **fields)
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
