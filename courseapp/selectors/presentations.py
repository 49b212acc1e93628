"""Reads of a presentation: its deadlines for the presenting pair, and their checklist."""

import datetime
from collections.abc import Iterable

from ..models import Course, OneOnOneTime, Signup, SlideUpload, Slot
from .extensions import Extensions


def presentation_deadlines(
    course: Course, slot: Slot, extensions: Extensions | None = None, presenters: Iterable[int] | None = None
) -> dict[str, datetime.datetime]:
    """When each step of the pipeline is due for the slot's pair, in the course's time zone, with their
    extensions. ``extensions`` and ``presenters`` (student ids) save the queries when the caller has them."""
    talk = slot.meeting.starts()
    booked = getattr(slot, "one_on_one", None)
    due = {
        "book": talk - datetime.timedelta(days=course.one_on_one_days_before),
        "initial": booked.starts_at.astimezone(course.tzinfo) if booked else talk,
        "talk": talk,
        "final": slot.meeting.ends() + datetime.timedelta(days=course.final_slides_days_after),
    }
    if presenters is None:
        presenters = [signup.student_id for signup in slot.signups.all() if signup.role == Signup.Role.PRESENTER]
    if extensions is None:
        extensions = Extensions.load(course, presenters)
    for step in ("book", "initial", "final"):
        due[step] = extensions.slot_due(slot.pk, step, due[step], presenters)
    return due


def presentation_checklist(course: Course, slot: Slot, *, now: datetime.datetime) -> dict:
    """Book the 1-on-1, initial slides, the talk, final slides: each with its date, what is done, and the
    instructor's free times before the talk."""
    due = presentation_deadlines(course, slot)
    booked = OneOnOneTime.objects.filter(slot=slot).first()
    uploads = list(slot.slide_uploads.select_related("uploaded_by"))
    latest = {stage: next((u for u in uploads if u.stage == stage), None) for stage in SlideUpload.Stage.values}
    free = OneOnOneTime.objects.filter(course=course, slot__isnull=True, starts_at__gt=now, starts_at__lt=due["talk"])
    return {
        "slot": slot,
        "due": due,
        "now": now,
        "booked": booked,
        "free_times": list(free),
        "booking_open": now <= due["book"],
        "initial": latest[SlideUpload.Stage.INITIAL],
        "final": latest[SlideUpload.Stage.FINAL],
        "uploads": uploads,
        "presenters": [s.student for s in slot.signups.filter(role="presenter").select_related("student")],
        "max_mb": course.slides_max_mb,
    }
