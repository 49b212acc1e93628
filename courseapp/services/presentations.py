"""A presenting pair's way to the talk: the 1-on-1 meeting, slides before and after, and the timer."""

import datetime
import os

import pypdf
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import get_valid_filename

from ..models import Course, OneOnOneTime, SlideUpload, Slot, Timing, User
from ..selectors.presentations import presentation_deadlines
from .errors import ServiceError
from .notices import notify

NOT_PRESENTING = "Only the presenters of this paper can do that."
TIME_TAKEN = "Another pair booked that time a moment ago; choose another."
BOOKING_CLOSED = "1-on-1 meetings for this paper had to be booked by {deadline}; write to the instructor."
TIME_TOO_LATE = "That time is after your presentation; choose one before {date}."
TIME_BOOKED = "A pair booked the 1-on-1 at {time}; it cannot be removed while booked."
EMPTY_FILE = "The file is empty."
TOO_LARGE = "The file is {size:.1f} MB; slides up to {limit} MB can be uploaded."
NOT_PDF = "This is not a PDF (whatever its name says). Export the slides as PDF and upload that."
UNREADABLE_PDF = "This PDF cannot be read ({reason}). Export it again and upload the new file."
FINAL_TOO_EARLY = "Final slides come after the presentation on {date}; upload the initial slides now."


def _require_presenter(slot: Slot, user: User) -> None:
    if not slot.signups.filter(student=user, role="presenter").exists():
        raise ServiceError(NOT_PRESENTING, code="not_presenting")


def one_on_one_times_add(*, course: Course, first: datetime.datetime, count: int, minutes: int) -> int:
    """Offer ``count`` consecutive meeting times of ``minutes`` from ``first``; times offered already are skipped."""
    starts = [first + datetime.timedelta(minutes=minutes * n) for n in range(count)]
    offered = set(OneOnOneTime.objects.filter(course=course, starts_at__in=starts).values_list("starts_at", flat=True))
    new = [OneOnOneTime(course=course, starts_at=at, minutes=minutes) for at in starts if at not in offered]
    # bulk_create reports every object it was given; the count of new ones is what was added.
    OneOnOneTime.objects.bulk_create(new, ignore_conflicts=True)  # a time offered meanwhile is skipped
    return len(new)


def one_on_one_time_remove(*, course: Course, time_id: int) -> None:
    with transaction.atomic():
        time = OneOnOneTime.objects.select_for_update().get(pk=time_id, course=course)
        if time.slot_id:
            raise ServiceError(TIME_BOOKED.format(time=course.when(time.starts_at)), code="booked")
        time.delete()


def one_on_one_book(*, course: Course, slot_id: int, time_id: int, by: User, now: datetime.datetime) -> OneOnOneTime:
    """Book a meeting time for the pair (a pair holds one time; booking another gives the first back)."""
    with transaction.atomic():
        # The slot row alone (not its meeting and course): pairs of other papers book at the same time.
        slot = (
            Slot.objects.select_for_update(of=("self",))
            .select_related("meeting__course")
            .get(pk=slot_id, meeting__course=course)
        )
        _require_presenter(slot, by)
        due = presentation_deadlines(course, slot)
        if now > due["book"]:
            raise ServiceError(BOOKING_CLOSED.format(deadline=course.when(due["book"])), code="closed")
        time = OneOnOneTime.objects.select_for_update().get(pk=time_id, course=course)  # one pair per time
        if time.slot_id == slot.pk:
            return time
        if time.slot_id is not None:
            raise ServiceError(TIME_TAKEN, code="taken")
        if time.starts_at >= due["talk"]:
            raise ServiceError(TIME_TOO_LATE.format(date=course.day(due["talk"])), code="too_late")
        OneOnOneTime.objects.filter(slot=slot).update(slot=None, booked_by=None, booked_at=None)
        time.slot, time.booked_by, time.booked_at = slot, by, now
        try:
            with transaction.atomic():
                time.save(update_fields=["slot", "booked_by", "booked_at"])
        except IntegrityError:
            raise ServiceError(TIME_TAKEN, code="taken") from None
        for signup in slot.signups.filter(role="presenter").exclude(student=by).select_related("student"):
            notify(
                course,
                signup.student,
                f"{by.display_name} booked your 1-on-1 for {slot.display_title} at {course.when(time.starts_at)}.",
            )
        return time


def check_pdf(upload, *, limit_mb: int) -> None:
    """Refuse what is not a readable PDF of at most ``limit_mb``, judging by the content, never the name."""
    if upload.size == 0:
        raise ServiceError(EMPTY_FILE, code="empty")
    if upload.size > limit_mb * 1024 * 1024:
        raise ServiceError(TOO_LARGE.format(size=upload.size / 1024 / 1024, limit=limit_mb), code="too_large")
    upload.seek(0)
    head = upload.read(1024)
    if b"%PDF-" not in head:
        raise ServiceError(NOT_PDF, code="not_pdf")
    upload.seek(0)
    try:
        pages = len(pypdf.PdfReader(upload).pages)
    except Exception as error:  # pypdf raises many kinds of errors on damaged files
        raise ServiceError(UNREADABLE_PDF.format(reason=type(error).__name__), code="unreadable") from None
    if pages < 1:
        raise ServiceError(UNREADABLE_PDF.format(reason="no pages"), code="unreadable")
    upload.seek(0)


def slides_upload(*, course: Course, slot_id: int, stage: str, upload, by: User, now: datetime.datetime) -> SlideUpload:
    """Keep a pair's slides as a PDF under a random name; late uploads are kept and flagged."""
    slot = Slot.objects.select_related("meeting__course").get(pk=slot_id, meeting__course=course)
    _require_presenter(slot, by)
    if stage not in SlideUpload.Stage.values:
        raise ValueError(stage)
    due = presentation_deadlines(course, slot)
    if stage == SlideUpload.Stage.FINAL and now < due["talk"]:
        raise ServiceError(FINAL_TOO_EARLY.format(date=course.day(due["talk"])), code="too_early")
    check_pdf(upload, limit_mb=course.slides_max_mb)
    # Only the last part of whatever path the browser sent, made safe, is kept, and only for display.
    name = get_valid_filename(os.path.basename(upload.name.replace("\\", "/"))) or "slides.pdf"
    slides = SlideUpload(
        slot=slot,
        stage=stage,
        original_name=name[:255],
        size=upload.size,
        uploaded_by=by,
        uploaded_at=now,
        is_late=now > due[stage],
    )
    slides.file.save("slides.pdf", upload, save=False)
    slides.save()
    return slides


TIMER_ACTIONS = {
    "start_talk": ("talk_started_at", "talk_ended_at"),
    "stop_talk": ("talk_ended_at", None),
    "start_discussion": ("discussion_started_at", "discussion_ended_at"),
    "stop_discussion": ("discussion_ended_at", None),
}


def timing_record(*, course: Course, slot_id: int, action: str, now: datetime.datetime | None = None) -> Timing:
    """Start or stop the talk or the discussion clock; "reset" clears both."""
    now = now or timezone.now()
    with transaction.atomic():
        slot = Slot.objects.select_for_update(of=("self",)).get(pk=slot_id, meeting__course=course)
        timing, _ = Timing.objects.get_or_create(slot=slot)
        if action == "reset":
            for field in ("talk_started_at", "talk_ended_at", "discussion_started_at", "discussion_ended_at"):
                setattr(timing, field, None)
        elif action in TIMER_ACTIONS:
            field, clears = TIMER_ACTIONS[action]
            if field.endswith("ended_at") and getattr(timing, field.replace("ended", "started")) is None:
                return timing  # stopping a clock that never started changes nothing
            if field.endswith("started_at") and action == "start_discussion" and timing.talk_ended_at is None:
                timing.talk_ended_at = now if timing.talk_started_at else None  # the talk ends when discussion starts
            setattr(timing, field, now)
            if clears:
                setattr(timing, clears, None)
        else:
            raise ValueError(action)
        timing.save()
        return timing
