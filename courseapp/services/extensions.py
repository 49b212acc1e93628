"""Extensions: the instructor gives one student a later deadline, on record with who and when.

Granting or withdrawing one re-judges what the student already handed in, so a review sent on the
second day of a two-day extension is not marked late, and the gradebook and the tally agree.
"""

import datetime

from django.db import IntegrityError, transaction
from django.db.models import BooleanField, ExpressionWrapper, Q

from .. import reviewing
from ..models import (
    Course,
    Extension,
    Meeting,
    Membership,
    Reading,
    Review,
    ReviewSubmission,
    Signup,
    SlideUpload,
    Slot,
    User,
)
from ..selectors import review_deadlines
from ..selectors.extensions import Extensions
from ..selectors.presentations import presentation_deadlines
from .errors import BAD_INPUT, ServiceError
from .notices import notify

NOT_A_STUDENT = "Extensions are for the course's students."
NOT_PRESENTING = "{name} does not present “{title}”."
NO_TARGET = "Choose the {what} the extension is for."
NO_UNTIL = "Give the new deadline."
NOT_LATER = "The new deadline must be after the course's ({due})."
EXTRA_RANGE = "Give the extra time in whole hours, from 1 to {limit}."
REPLACED_MEANWHILE = "Someone changed this student's extensions a moment ago; look again and retry."

MAX_EXTRA_HOURS = 24 * 30


def extension_grant(
    *,
    course: Course,
    student: User,
    scope: str,
    by: User,
    now: datetime.datetime,
    reading: Reading | None = None,
    meeting: Meeting | None = None,
    slot: Slot | None = None,
    until: datetime.datetime | None = None,
    extra_hours: int | None = None,
    reason: str = "",
) -> Extension:
    """Give ``student`` a later deadline; a standing extension of the same thing is replaced (and kept)."""
    scope = Extension.Scope(scope)
    with transaction.atomic():
        # The student's membership row serialises changes to their extensions.
        if not (Membership.objects.select_for_update().active_students().filter(course=course, user=student).exists()):
            raise ServiceError(NOT_A_STUDENT, code="not_a_student", status=BAD_INPUT)
        extension = Extension(course=course, student=student, scope=scope, reason=reason.strip(), granted_by=by)
        extension.granted_at = now
        if scope == Extension.Scope.COURSE:
            if extra_hours is None or not 1 <= extra_hours <= MAX_EXTRA_HOURS:
                raise ServiceError(EXTRA_RANGE.format(limit=MAX_EXTRA_HOURS), code="extra_range", status=BAD_INPUT)
            extension.extra = datetime.timedelta(hours=extra_hours)
        else:
            setattr(extension, Extension.TARGET[scope], _target(course, student, scope, reading, meeting, slot))
            if until is None:
                raise ServiceError(NO_UNTIL, code="no_until", status=BAD_INPUT)
            due = _course_deadline(course, extension)
            if until <= due:
                raise ServiceError(NOT_LATER.format(due=course.when(due)), code="not_later", status=BAD_INPUT)
            extension.until = until
        _standing(extension).update(revoked_at=now, revoked_by=by)
        try:
            with transaction.atomic():
                extension.save()
        except IntegrityError:
            raise ServiceError(REPLACED_MEANWHILE, code="conflict") from None
        late_flags_refresh(course, student)
        notify(course, student, f"The instructor extended a deadline for you. {extension.what}: {extension.granted}.")
    return extension


def extension_revoke(*, course: Course, extension_id: int, by: User, now: datetime.datetime) -> Extension:
    """Withdraw a standing extension; the course's deadline applies again, and the record stays."""
    with transaction.atomic():
        extension = (
            Extension.objects.select_for_update(of=("self",))
            .select_related("student", "reading", "meeting", "slot__reading", "course")
            .get(pk=extension_id, course=course, revoked_at__isnull=True)
        )
        extension.revoked_at, extension.revoked_by = now, by
        extension.save(update_fields=["revoked_at", "revoked_by"])
        late_flags_refresh(course, extension.student)
        notify(
            course,
            extension.student,
            f"Your extension was withdrawn. {extension.what}: the course's deadline applies again.",
        )
    return extension


def late_flags_refresh(course: Course, student: User) -> None:
    """Judge again, by the deadlines the student has now, whether each review and slide upload was late."""
    extended = Extensions.load(course, [student.pk])
    course_due = review_deadlines(course)
    term_end = reviewing.end_of_term(course.term_ends_on, course.tzinfo)
    submitted = Review.objects.filter(student=student, reading__course=course, submitted_at__isnull=False)
    for review in submitted.only("pk", "reading_id", "submitted_at", "is_late"):
        if review.submitted_at is None:  # none, as asked: for the type checker
            continue
        due = extended.review_due(student.pk, review.reading_id, course_due.get(review.reading_id, term_end))
        late = reviewing.is_late(review.submitted_at, due)
        if late != review.is_late:
            Review.objects.filter(pk=review.pk).update(is_late=late)
        ReviewSubmission.objects.filter(review=review).update(is_late=_after(due, "submitted_at"))
    presenting = Slot.objects.filter(signups__student=student, signups__role=Signup.Role.PRESENTER)
    for slot in presenting.filter(meeting__course=course).select_related("meeting", "one_on_one"):
        deadlines = presentation_deadlines(course, slot)
        for stage in SlideUpload.Stage.values:
            SlideUpload.objects.filter(slot=slot, stage=stage).update(is_late=_after(deadlines[stage], "uploaded_at"))


def _after(due: datetime.datetime, field: str) -> ExpressionWrapper:
    return ExpressionWrapper(Q(**{f"{field}__gt": due}), output_field=BooleanField())


def _standing(extension: Extension):
    """The standing extension of the same student and thing, which a new one replaces."""
    return Extension.objects.filter(
        course=extension.course_id,
        student=extension.student_id,
        scope=extension.scope,
        reading=extension.reading_id,
        meeting=extension.meeting_id,
        slot=extension.slot_id,
        revoked_at__isnull=True,
    )


def _target(course: Course, student: User, scope, reading, meeting, slot):
    """The reading, meeting or presentation the extension is for, checked to be this course's."""
    if scope == Extension.Scope.REVIEW:
        if reading is None or reading.course_id != course.pk:
            raise ServiceError(NO_TARGET.format(what="reading"), code="no_target", status=BAD_INPUT)
        return reading
    if scope == Extension.Scope.MEETING:
        if meeting is None or meeting.course_id != course.pk:
            raise ServiceError(NO_TARGET.format(what="meeting"), code="no_target", status=BAD_INPUT)
        return meeting
    if slot is None or slot.meeting.course_id != course.pk:
        raise ServiceError(NO_TARGET.format(what="presentation"), code="no_target", status=BAD_INPUT)
    if not slot.signups.filter(student=student, role=Signup.Role.PRESENTER).exists():
        raise ServiceError(
            NOT_PRESENTING.format(name=student.display_name, title=slot.display_title),
            code="no_target",
            status=BAD_INPUT,
        )
    return slot


def _course_deadline(course: Course, extension: Extension) -> datetime.datetime:
    """What the extension moves: the course's own deadline for that thing, nobody's extension counted."""
    match extension.target:
        case Reading() as reading:
            due = review_deadlines(course, reading_ids=[reading.pk]).get(reading.pk)
            return due or reviewing.end_of_term(course.term_ends_on, course.tzinfo)
        case Meeting() as meeting:
            meeting.course = course
            return meeting.starts()
        case Slot() as slot:
            deadlines = presentation_deadlines(course, slot, Extensions(), presenters=[])
            return deadlines["book"] if extension.scope == Extension.Scope.ONE_ON_ONE else deadlines["initial"]
    raise ValueError(f"A {extension.scope} extension moves no deadline of the course's.")
