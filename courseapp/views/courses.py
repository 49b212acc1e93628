from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import SimpleLazyObject
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_htmx.http import HttpResponseClientRedirect

from ..forms import CourseCopyForm, JoinRequestForm, NewCourseForm
from ..models import Course, Membership
from ..permissions import Perm, Role, course_view, role_of
from ..selectors import getting_started, schedule, schedule_fragment
from ..services import ServiceError
from ..services.courses import (
    checklist_dismiss,
    course_archive_set,
    course_copy,
    course_create,
    may_create_courses,
    slug_suggest,
)
from ..services.memberships import membership_reminders_set, membership_request
from .rendering import answer, redirect_with_message, render_page


@require_safe
@login_required
def course_list(request):
    """The user's courses first, then the others they can ask to join."""
    mine = Membership.objects.filter(user=request.user)
    courses = Course.objects.prefetch_related(Prefetch("memberships", queryset=mine, to_attr="my_membership"))
    rows = [
        (course, role_of(course.my_membership[0] if course.my_membership else None, authenticated=True))
        for course in courses
    ]
    member_roles = {Role.STUDENT, Role.TA, Role.INSTRUCTOR}
    current = [(course, role) for course, role in rows if not course.is_archived]
    return render(
        request,
        "courseapp/courses/list.html",
        {
            "my_courses": [(course, role) for course, role in current if role in member_roles],
            "other_courses": [(course, role) for course, role in current if role not in member_roles],
            "past_courses": [(course, role) for course, role in rows if course.is_archived],
            "had_courses": any(course.is_archived and role in member_roles for course, role in rows),
            "may_create": may_create_courses(request.user),
        },
    )


NEW = "courseapp/courses/new.html"


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def course_new(request):
    """Start a course: its term's calendar on one page; it opens with the model course's rules and rubrics."""
    if not may_create_courses(request.user):
        raise PermissionDenied
    if request.method != "POST":
        if request.htmx and request.htmx.target == "slug_field":
            return _slug_suggestion(request)
        return render(request, NEW, {"form": NewCourseForm()})
    form = NewCourseForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            course = course_create(
                by=request.user,
                title=data["title"],
                slug=data["slug"],
                term=data["term"],
                plan=form.term_plan(),
                time_zone=data["time_zone"],
                class_starts_at=data["class_starts_at"],
                class_ends_at=data["class_ends_at"],
            )
        except ServiceError as error:
            form.add_error("slug" if error.code == "slug_taken" else None, error.message)
        else:
            meetings = course.meetings.count()
            on_schedule = ngettext(
                "%(n)d meeting is on its schedule.", "%(n)d meetings are on its schedule.", meetings
            ) % {"n": meetings}
            messages.success(request, f"{course.title} is ready: {on_schedule}")
            if request.htmx:
                return HttpResponseClientRedirect(course.get_absolute_url())
            return redirect(course)
    return render_page(request, NEW, {"form": form}, partial="course_form", status=400)


def _slug_suggestion(request):
    """The address field with a suggestion from the title and term, unless the user wrote their own."""
    slug, suggested = request.GET.get("slug", ""), request.GET.get("suggested", "")
    if not slug or slug == suggested:
        slug = suggested = slug_suggest(request.GET.get("title", ""), request.GET.get("term", ""))
    context = {"form": NewCourseForm(initial={"slug": slug}), "suggested": suggested}
    return render(request, f"{NEW}#slug_field", context)


@require_safe
@course_view(Perm.VIEW_PUBLIC)
def course_home(request, course):
    """The course page: description, assignments, schedule; public, without student names."""
    return render(request, HOME, _home_context(request, course))


HOME = "courseapp/courses/home.html"


def _home_context(request, course, **extra) -> dict:
    checklist = None
    if request.access.can(Perm.MANAGE_SCHEDULE) and course.checklist_dismissed_at is None and not course.is_archived:
        checklist = getting_started(course)
    return {
        "course": course,
        "access": request.access,
        "meetings": SimpleLazyObject(lambda: schedule(course)),
        "fragment": schedule_fragment(request.access.role),  # the table has no seats to act on here
        "join_form": JoinRequestForm(),
        "checklist": checklist if checklist and not checklist.done else None,
        **extra,
    }


@require_POST
@course_view(Perm.MANAGE_SCHEDULE)
def checklist_dismiss_view(request, course):
    """Hide the getting-started checklist for everyone on the course's staff."""

    def dismiss() -> None:
        checklist_dismiss(course=course)

    return answer(request, dismiss, back=course.get_absolute_url(), show=lambda **_: HttpResponse(""))


@require_http_methods(["GET", "HEAD", "POST"])
@course_view(Perm.EDIT_COURSE, archived_ok=True)  # copying writes only the new course
def course_copy_view(request, course):
    """Copy the course to a new term: list, rubrics, settings and schedule, moved by whole weeks; no students."""
    form = CourseCopyForm(request.POST or None, initial={"title": course.title})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            copy = course_copy(
                source=course,
                by=request.user,
                title=data["title"],
                term=data["term"],
                slug=data["slug"],
                first_day=data["first_day"],
            )
        except ServiceError as error:
            form.add_error("slug", error.message)
        else:
            messages.success(request, f"Copied to {copy.term}: check its schedule, then admit its students.")
            return redirect(copy)
    status = 400 if form.errors else 200
    return render(
        request,
        "courseapp/courses/copy.html",
        {"course": course, "access": request.access, "form": form},
        status=status,
    )


@require_POST
@course_view(Perm.EDIT_COURSE, archived_ok=True)
def course_archive(request, course):
    """Archive a finished course, making it read-only for everyone, or bring it back."""
    archived = request.POST.get("archived") == "true"
    try:
        course_archive_set(course=course, archived=archived)
    except ServiceError as error:
        return redirect_with_message(request, "courseapp:course_settings", course.slug, done=None, error=error.message)
    done = (
        "The course is archived: it is read-only and listed under past courses."
        if archived
        else "The course is open again."
    )
    return redirect_with_message(request, "courseapp:course_settings", course.slug, done=done, error=None)


@require_POST
@course_view(Perm.REQUEST_TO_JOIN)
def course_join(request, course):
    """Ask the instructor for admission, with a short note."""
    form = JoinRequestForm(request.POST)
    status = 200
    if form.is_valid():
        try:
            membership_request(course=course, user=request.user, note=form.cleaned_data["note"])
        except ServiceError as error:
            form.add_error(None, error.message)
            status = 409
        else:
            request.access.role, request.access.membership = Role.APPLICANT, None
            if not request.htmx:
                messages.success(request, "Your request to join was sent to the instructor.")
                return redirect(course)
    else:
        status = 400
    return render_page(request, HOME, _home_context(request, course, join_form=form), partial="join", status=status)


@require_POST
@course_view(Perm.WRITE_REVIEWS)
def reminders_set(request, course):
    """A student turns their e-mail reminders on or off."""

    def switch() -> str:
        on = membership_reminders_set(membership=request.access.membership, on=request.POST.get("on") == "true")
        return "E-mail reminders are on." if on else "E-mail reminders are off."

    def show(*, done: str | None, error: str | None, status: int) -> HttpResponse:
        return render(request, f"{HOME}#reminders", {"course": course, "access": request.access}, status=status)

    return answer(request, switch, back=course.get_absolute_url(), show=show)
