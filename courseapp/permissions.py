"""What each role may do in a course: the one place every view asks.

A view declares the permission it needs with ``@course_view(Perm.X)``; the decorator
loads the course, works out the user's role in it and refuses before the view runs.
"""

import enum
import functools
from collections.abc import Callable
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from .caching import drawn_from, kept_many
from .http import HtmxHttpRequest
from .models import Course, Membership, Slot


class Role(enum.StrEnum):
    ANONYMOUS = "anonymous"
    VISITOR = "visitor"  # logged in, not a member (never asked, declined, or removed)
    APPLICANT = "applicant"  # asked to join, not yet decided
    STUDENT = "student"
    TA = "ta"
    INSTRUCTOR = "instructor"


class Perm(enum.StrEnum):
    VIEW_PUBLIC = "view_public"  # course page and schedule, without student names
    REQUEST_TO_JOIN = "request_to_join"
    VIEW_COURSE = "view_course"  # schedule with names, reading list
    VIEW_ROSTER = "view_roster"  # members and pending requests
    MANAGE_MEMBERS = "manage_members"  # approve, decline, add students
    EDIT_COURSE = "edit_course"  # course settings
    TAKE_SEAT = "take_seat"  # sign up to present or comment, waitlists, invitations, swaps
    MANAGE_SCHEDULE = "manage_schedule"  # meetings, slots, and anyone's seats at any time
    WRITE_REVIEWS = "write_reviews"  # one's own reviews and progress
    READ_REVIEWS = "read_reviews"  # every student's reviews, progress and similarity flags
    MANAGE_READINGS = "manage_readings"  # import the reading list, edit, move, merge and delete readings
    GRADE = "grade"  # score work with the rubrics, time presentations, offer 1-on-1 times, the gradebook
    MANAGE_GRADING = "manage_grading"  # change the rubrics, release grades to students
    SEE_OWN_GRADES = "see_own_grades"  # one's own released grades, feedback and what is missing
    GRANT_EXTENSIONS = "grant_extensions"  # later deadlines for a student, and why (accommodations are private)


_MEMBER = {Perm.VIEW_PUBLIC, Perm.VIEW_COURSE}
_STAFF = _MEMBER | {Perm.VIEW_ROSTER, Perm.MANAGE_SCHEDULE, Perm.READ_REVIEWS, Perm.MANAGE_READINGS, Perm.GRADE}

GRANTS: dict[Role, frozenset[Perm]] = {
    Role.ANONYMOUS: frozenset({Perm.VIEW_PUBLIC}),
    Role.VISITOR: frozenset({Perm.VIEW_PUBLIC, Perm.REQUEST_TO_JOIN}),
    Role.APPLICANT: frozenset({Perm.VIEW_PUBLIC}),
    Role.STUDENT: frozenset(_MEMBER | {Perm.TAKE_SEAT, Perm.WRITE_REVIEWS, Perm.SEE_OWN_GRADES}),
    # A TA does what the instructor does, except course settings and membership decisions.
    Role.TA: frozenset(_STAFF),
    Role.INSTRUCTOR: frozenset(
        _STAFF | {Perm.MANAGE_MEMBERS, Perm.EDIT_COURSE, Perm.MANAGE_GRADING, Perm.GRANT_EXTENSIONS}
    ),
}


def role_of(membership: Membership | None, *, authenticated: bool) -> Role:
    if not authenticated:
        return Role.ANONYMOUS
    if membership is None or membership.status in (Membership.Status.DECLINED, Membership.Status.REMOVED):
        return Role.VISITOR
    if membership.status in (Membership.Status.PENDING, Membership.Status.UNCONFIRMED):
        return Role.APPLICANT
    return Role(membership.role)


def course_access(user, slug: str) -> tuple[Course, Role, Membership | None]:
    """The course named ``slug``, the user's role in it and their membership.

    Every course page asks this first. Both are kept until a course or a membership changes
    (courseapp/caching.py): the course once for everyone, so a rush of students each asking for the
    first time reads only their own membership row.
    """
    changed = drawn_from(Course, Membership).key
    course_key, membership_key = f"course:{slug}:{changed}", f"membership:{slug}:{user.pk}:{changed}"
    builds: dict[str, Callable[[], Any]] = {course_key: lambda: _course_named(slug)}
    if user.is_authenticated:
        builds[membership_key] = lambda: Membership.objects.filter(course__slug=slug, user=user).order_by().first()
    found = kept_many(builds)  # one round trip for both
    course: Course | None = found[course_key]
    if course is None:
        raise Http404("No such course.")
    if not user.is_authenticated:
        return course, Role.ANONYMOUS, None
    membership: Membership | None = found[membership_key]
    if membership is not None:
        membership.course = course  # the one just read, not a query of its own
    return course, role_of(membership, authenticated=True), membership


def _course_named(slug: str) -> Course | None:
    """The course, with the count of requests to join that the instructor's navigation shows."""
    pending = Count("memberships", filter=Q(memberships__status=Membership.Status.PENDING))
    return Course.objects.annotate(requests_to_join=pending).filter(slug=slug).first()


def can(role: Role, perm: Perm) -> bool:
    return perm in GRANTS[role]


class CourseAccess:
    """What a course view knows about who is asking: ``request.access``."""

    def __init__(self, course: Course, role: Role, membership: Membership | None, *, counted: bool = True):
        self.course = course
        self.role = role
        self.membership = membership
        self.counted = counted  # the course came with its requests to join counted, and nothing changed since

    def can(self, perm: Perm | str) -> bool:
        return can(self.role, Perm(perm))

    @property
    def perms(self) -> frozenset[Perm]:
        """For templates: ``{% if "view_roster" in access.perms %}``."""
        return GRANTS[self.role]

    @property
    def is_member(self) -> bool:
        return self.can(Perm.VIEW_COURSE)

    @functools.cached_property
    def pending_requests(self) -> int:
        """Requests to join waiting for a decision, for the badge the instructor sees; 0 for everyone else.

        A read shows the count that came with the course (``course_access``); after a write, which may
        have changed it, it is counted again."""
        if not self.can(Perm.MANAGE_MEMBERS):
            return 0
        if self.counted and hasattr(self.course, "requests_to_join"):
            return self.course.requests_to_join
        return Membership.objects.filter(course=self.course, status=Membership.Status.PENDING).count()


class CourseRequest(HtmxHttpRequest):
    """A request to a course page: what ``@course_view`` adds."""

    access: CourseAccess


ARCHIVED_READ_ONLY = "This course is archived: it is the record of its term, and nothing in it can change."


def course_view(perm: Perm, *, hide: bool = False, archived_ok: bool = False) -> Callable:
    """Load the course named by the ``slug`` URL argument and require ``perm`` in it.

    Anonymous users are sent to log in (an htmx request gets 401, so a page that autosaves can
    say so instead of swapping in the login form); logged-in users without the permission get
    403, or 404 with ``hide`` for pages whose very existence is private (other students' work).
    An archived course is read-only: every write is refused here, in one place, unless the view
    says ``archived_ok`` (unarchiving).
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapper(request: CourseRequest, slug: str, *args, **kwargs) -> HttpResponse:
            course, role, membership = course_access(request.user, slug)
            if not can(role, perm):
                if role == Role.ANONYMOUS:
                    if getattr(request, "htmx", False):
                        return HttpResponse("Your session ended: log in again.", status=401)
                    return redirect_to_login(request.get_full_path())
                if hide:
                    raise Http404
                raise PermissionDenied
            request.access = CourseAccess(course, role, membership, counted=request.method in ("GET", "HEAD"))
            if course.is_archived and not archived_ok and request.method not in ("GET", "HEAD", "OPTIONS"):
                return archived_refusal(request, course)
            # Dates and times on a course's pages are the course's local time.
            with timezone.override(course.tzinfo):
                return view(request, course, *args, **kwargs)

        return wrapper

    return decorator


def presenter_slot(request: CourseRequest, course: Course, slot_id: int) -> Slot:
    """A paper's slot, if the user presents it or is staff; to anyone else it does not exist (404)."""
    slot = get_object_or_404(
        Slot.objects.select_related("reading", "meeting__course"), pk=slot_id, meeting__course=course
    )
    if (
        not request.access.can(Perm.GRADE)
        and not slot.signups.filter(student_id=request.user.pk, role="presenter").exists()
    ):
        raise Http404
    return slot


def archived_refusal(request: CourseRequest, course: Course) -> HttpResponse:
    """403 with the reason on a page; for htmx a 409 fragment, which htmx swaps in where the answer was due."""
    if getattr(request, "htmx", False):
        return HttpResponse(f'<p class="flash flash-error" role="alert">{ARCHIVED_READ_ONLY}</p>', status=409)
    context = {"course": course, "access": request.access, "message": ARCHIVED_READ_ONLY}
    return render(request, "403.html", context, status=403)
