from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from ..forms import JoinRequestForm
from ..models import Course, Membership
from ..permissions import Perm, Role, course_view, role_of
from ..selectors import schedule
from ..services import ServiceError
from ..services.memberships import membership_request
from .rendering import redirect_with_message, render_page


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
    return render(
        request,
        "courseapp/courses/list.html",
        {
            "my_courses": [(course, role) for course, role in rows if role in member_roles],
            "other_courses": [(course, role) for course, role in rows if role not in member_roles],
        },
    )


@require_safe
@course_view(Perm.VIEW_PUBLIC)
def course_home(request, course):
    """The course page: description, assignments, schedule; public, without student names."""
    return render(
        request,
        "courseapp/courses/home.html",
        {"course": course, "access": request.access, "meetings": schedule(course), "join_form": JoinRequestForm()},
    )


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
    return render_page(
        request,
        "courseapp/courses/home.html",
        {"course": course, "access": request.access, "meetings": schedule(course), "join_form": form},
        partial="join",
        status=status,
    )


@require_POST
@course_view(Perm.WRITE_REVIEWS)
def reminders_set(request, course):
    """A student turns their e-mail reminders on or off."""
    membership = request.access.membership
    membership.reminders = request.POST.get("on") == "true"
    membership.save(update_fields=["reminders"])
    if request.htmx:
        return render(request, "courseapp/courses/home.html#reminders", {"course": course, "access": request.access})
    done = "E-mail reminders are on." if membership.reminders else "E-mail reminders are off."
    return redirect_with_message(request, "courseapp:course_home", course.slug, done=done, error=None)
