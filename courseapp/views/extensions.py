"""Extensions: later deadlines for one student, granted and withdrawn by the instructor; the course's list."""

from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from ..forms import ExtensionForm
from ..models import Extension
from ..permissions import Perm, course_view
from ..selectors import course_students
from ..selectors.extensions import extension_history
from ..services import ServiceError
from ..services.extensions import extension_grant, extension_revoke
from .rendering import redirect_with_message, render_page

PAGE = "courseapp/extensions/student.html"


def _context(request, course, student, form=None, **extra) -> dict:
    history = extension_history(course, student)
    return {
        "course": course,
        "access": request.access,
        "student": student,
        "standing": [extension for extension in history if extension.revoked_at is None],
        "past": [extension for extension in history if extension.revoked_at is not None],
        "form": form or ExtensionForm(course=course, student=student),
        "can_grant": request.access.can(Perm.GRANT_EXTENSIONS),
        **extra,
    }


def _answer(request, course, student, *, form=None, done=None, error=None, status=200):
    """The student's extensions again: the section for htmx, a redirect after a plain form's success."""
    if not request.htmx and status == 200:
        return redirect_with_message(
            request, "courseapp:student_extensions", course.slug, student.pk, done=done, error=None
        )
    context = _context(request, course, student, form, done=done, error=error)
    return render_page(request, PAGE, context, partial="extensions", status=status)


@require_safe
@course_view(Perm.GRADE, hide=True)
def student_extensions(request, course, user_id: int):
    """A student's extensions, standing and past, and (for the instructor) the form to grant one."""
    student = get_object_or_404(course_students(course), pk=user_id)
    return render(request, PAGE, _context(request, course, student))


@require_POST
@course_view(Perm.GRANT_EXTENSIONS, hide=True)
def extension_grant_view(request, course, user_id: int):
    student = get_object_or_404(course_students(course), pk=user_id)
    form = ExtensionForm(request.POST, course=course, student=student)
    if not form.is_valid():
        return _answer(request, course, student, form=form, status=400)
    data = form.cleaned_data
    try:
        extension = extension_grant(
            course=course,
            student=student,
            scope=data["scope"],
            by=request.user,
            now=timezone.now(),
            reading=data["reading"],
            meeting=data["meeting"],
            slot=data["slot"],
            until=data["until"],
            extra_hours=data["extra_hours"],
            reason=data["reason"],
        )
    except ServiceError as error:
        form.add_error(None, error.message)
        return _answer(request, course, student, form=form, status=error.status)
    done = f"Granted. {extension.what}: {extension.granted}. {student.display_name} was told."
    return _answer(request, course, student, done=done)


@require_POST
@course_view(Perm.GRANT_EXTENSIONS, hide=True)
def extension_revoke_view(request, course, user_id: int, extension_id: int):
    student = get_object_or_404(course_students(course), pk=user_id)
    get_object_or_404(Extension, pk=extension_id, course=course, student=student, revoked_at__isnull=True)
    extension = extension_revoke(course=course, extension_id=extension_id, by=request.user, now=timezone.now())
    done = f"Withdrawn. {extension.what}: the course's deadline applies again. {student.display_name} was told."
    return _answer(request, course, student, done=done)


@require_safe
@course_view(Perm.GRADE)
def course_extensions(request, course):
    """Every standing extension of the course, by student."""
    standing = list(
        Extension.objects.filter(course=course, revoked_at__isnull=True)
        .select_related("student", "reading", "meeting", "slot__reading", "slot__meeting", "granted_by")
        .order_by("student__last_name", "student__first_name", "student__username", "-granted_at")
    )
    for extension in standing:
        extension.course = course
    context = {
        "course": course,
        "access": request.access,
        "standing": standing,
        "students": course_students(course),
        "can_grant": request.access.can(Perm.GRANT_EXTENSIONS),
    }
    return render(request, "courseapp/extensions/course.html", context)
