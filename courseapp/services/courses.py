"""Courses of one's own: who may start one, creating a term's course, copying it to a new term, archiving."""

import dataclasses
import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.text import slugify

from ..calendars.terms import DaysOff, class_days, weeks_to_move
from ..models import Course, Criterion, Listing, Meeting, Membership, Reading, Section, Slot, User
from ..selectors import course_rubrics
from .errors import ServiceError
from .grading import rubrics_create

MAY_NOT_CREATE = "Only people the site's staff allow can start a course here; ask them to grant you that."
SLUG_TAKEN = "The address “{slug}” is taken by another course; choose another."
ARCHIVED = "This course is archived: it is kept as the record of its term and cannot be changed."
NOT_ARCHIVED = "This course is not archived."

# COURSE_CREATORS: who may start a course.
ANYONE, STAFF, GRANTED = "anyone", "staff", "granted"


def may_create_courses(user: User) -> bool:
    """Whether ``user`` may start a course, by the site's COURSE_CREATORS setting."""
    if not user.is_authenticated or not user.is_active:
        return False
    policy = settings.COURSE_CREATORS
    if user.is_staff or policy == ANYONE:
        return True
    return policy == GRANTED and user.can_create_courses


def slug_suggest(title: str, term: str) -> str:
    """An unused course address from the title and term: ``cs496-fall-2026``, then ``-2``, ``-3``..."""
    base = slugify(f"{title} {term}")[:45].strip("-") or "course"
    taken = set(Course.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    if base not in taken:
        return base
    return next(f"{base}-{n}" for n in range(2, len(taken) + 3) if f"{base}-{n}" not in taken)


@dataclasses.dataclass(frozen=True)
class TermPlan:
    """The calendar of a new course: its class days, days without class and the exam window."""

    first_day: datetime.date
    last_day: datetime.date
    weekdays: frozenset[int]
    days_off: DaysOff
    exam_starts_at: datetime.datetime | None = None  # aware, in the course's time zone
    exam_ends_at: datetime.datetime | None = None


@transaction.atomic
def course_create(
    *,
    by: User,
    title: str,
    slug: str,
    term: str,
    plan: TermPlan,
    time_zone: str,
    class_starts_at: datetime.time,
    class_ends_at: datetime.time,
) -> Course:
    """A course with the model course's rules and rubrics, its creator as instructor and a meeting
    for every class day of the term (paper sessions; "no class" on days off; the exam)."""
    if not may_create_courses(by):
        raise ServiceError(MAY_NOT_CREATE, code="may_not_create")
    if Course.objects.filter(slug=slug).exists():
        raise ServiceError(SLUG_TAKEN.format(slug=slug), code="slug_taken")
    course = Course(
        title=title,
        slug=slug,
        term=term,
        time_zone=time_zone,
        term_starts_on=plan.first_day,
        term_ends_on=plan.last_day,
        class_starts_at=class_starts_at,
        class_ends_at=class_ends_at,
        exam_starts_at=plan.exam_starts_at,
        exam_ends_at=plan.exam_ends_at,
    )
    course.full_clean(validate_unique=False)
    _save_claiming_slug(course)
    Membership.objects.create(
        course=course, user=by, role=Membership.Role.INSTRUCTOR, status=Membership.Status.ACTIVE, decided_by=by
    )
    rubrics_create(course)
    meetings = [
        Meeting(course=course, date=day, kind=Meeting.Kind.NO_CLASS if off else Meeting.Kind.PAPERS)
        for day, off in class_days(plan.first_day, plan.last_day, set(plan.weekdays), plan.days_off)
    ]
    if plan.exam_starts_at and plan.exam_ends_at:
        exam_day = plan.exam_starts_at.date()
        meetings = [meeting for meeting in meetings if meeting.date != exam_day]
        meetings.append(
            Meeting(
                course=course,
                date=exam_day,
                kind=Meeting.Kind.EXAM,
                topic="Final exam",
                starts_at=plan.exam_starts_at.time(),
                ends_at=plan.exam_ends_at.time(),
            )
        )
    Meeting.objects.bulk_create(meetings)
    return course


def _save_claiming_slug(course: Course) -> None:
    """Save a new course; two people claiming one address at once are told, by the unique constraint."""
    try:
        with transaction.atomic():
            course.save()
    except IntegrityError:
        raise ServiceError(SLUG_TAKEN.format(slug=course.slug), code="slug_taken") from None


def _unsaved[M: Model](obj: M, **changes) -> M:
    """``obj`` as a new row with ``changes``, not yet saved: Django's documented way of copying an instance."""
    obj.pk = None
    obj._state.adding = True
    for name, value in changes.items():
        setattr(obj, name, value)
    return obj


def _clone[M: Model](obj: M, **changes) -> M:
    copy = _unsaved(obj, **changes)
    copy.save()
    return copy


def _moved(moment: datetime.datetime | None, weeks: int, tz) -> datetime.datetime | None:
    """The same local time ``weeks`` later (a class at 2 PM stays at 2 PM across a change of DST)."""
    if moment is None:
        return None
    local = moment.astimezone(tz)
    return datetime.datetime.combine(local.date() + datetime.timedelta(weeks=weeks), local.time(), tzinfo=tz)


@transaction.atomic
def course_copy(*, source: Course, by: User, title: str, term: str, slug: str, first_day: datetime.date) -> Course:
    """A new, independent course for another term: the list, the rubrics, every setting and the schedule,
    moved by whole weeks onto the same weekdays. No members but ``by``; no seats, reviews or grades."""
    if Course.objects.filter(slug=slug).exists():
        raise ServiceError(SLUG_TAKEN.format(slug=slug), code="slug_taken")
    weeks = weeks_to_move(source.term_starts_on, first_day)
    shift = datetime.timedelta(weeks=weeks)
    tz = source.tzinfo
    sections = list(source.sections.all())
    readings = list(source.readings.all())
    listings = list(Listing.objects.filter(section__course=source))
    rubrics = list(course_rubrics(source).values())
    meetings = list(source.meetings.prefetch_related("slots"))

    course = _unsaved(
        Course.objects.get(pk=source.pk),
        title=title,
        term=term,
        slug=slug,
        term_starts_on=first_day,
        term_ends_on=max(source.term_ends_on + shift, first_day),
        signup_opens_at=_moved(source.signup_opens_at, weeks, tz),
        signup_closes_at=_moved(source.signup_closes_at, weeks, tz),
        exam_starts_at=_moved(source.exam_starts_at, weeks, tz),
        exam_ends_at=_moved(source.exam_ends_at, weeks, tz),
        archived_at=None,
        checklist_dismissed_at=None,
        created_at=timezone.now(),
    )
    _save_claiming_slug(course)
    Membership.objects.create(
        course=course, user=by, role=Membership.Role.INSTRUCTOR, status=Membership.Status.ACTIVE, decided_by=by
    )
    # A section is copied once its parent is: top-level sections first, then each level below.
    # (Cloning gives the object a new pk, so sections are known by their original pk.)
    new_sections: dict[int | None, Section] = {}
    waiting = {section.pk: section for section in sections}
    while waiting:
        ready = [
            pk for pk, section in waiting.items() if section.parent_id is None or section.parent_id in new_sections
        ]
        if not ready:
            break  # a parent outside the course: nothing more can be placed
        for pk in ready:
            section = waiting.pop(pk)
            new_sections[pk] = _clone(section, course=course, parent=new_sections.get(section.parent_id))
    new_readings: dict[int | None, Reading] = {}
    for reading in readings:
        old_pk = reading.pk
        new_readings[old_pk] = _clone(reading, course=course, link_result=None)
    Listing.objects.bulk_create(
        Listing(
            section=new_sections[listing.section_id],
            reading=new_readings[listing.reading_id],
            position=listing.position,
            annotation=listing.annotation,
        )
        for listing in listings
    )
    # The copy's rubrics are the source's as they are now, not the defaults.
    for rubric in rubrics:
        criteria = list(rubric.criteria.all())
        new_rubric = _clone(rubric, course=course)
        Criterion.objects.bulk_create(_unsaved(criterion, rubric=new_rubric) for criterion in criteria)
    for meeting in meetings:
        slots = list(meeting.slots.all())
        new_meeting = _clone(meeting, course=course, date=meeting.date + shift)
        Slot.objects.bulk_create(
            _unsaved(slot, meeting=new_meeting, reading=new_readings.get(slot.reading_id)) for slot in slots
        )
    return course


def course_archive_set(*, course: Course, archived: bool) -> Course:
    """Archive a finished course (read-only for everyone) or bring it back."""
    with transaction.atomic():
        course = Course.objects.select_for_update().get(pk=course.pk)
        if archived == course.is_archived:
            raise ServiceError(ARCHIVED if archived else NOT_ARCHIVED, code="already")
        course.archived_at = timezone.now() if archived else None
        course.save(update_fields=["archived_at"])
    return course


def checklist_dismiss(*, course: Course) -> None:
    Course.objects.filter(pk=course.pk, checklist_dismissed_at__isnull=True).update(
        checklist_dismissed_at=timezone.now()
    )
