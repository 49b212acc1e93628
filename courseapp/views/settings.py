from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from ..forms import CourseSettingsForm
from ..permissions import Perm, course_view


@require_http_methods(["GET", "HEAD", "POST"])
@course_view(Perm.EDIT_COURSE)
def course_settings(request, course):
    """The instructor's page for every course rule: points, review rules, seats, the exam window."""
    form = CourseSettingsForm(request.POST or None, instance=course)
    if request.method == "POST":
        if form.is_valid():
            form.save()
            messages.success(request, "Course settings saved.")
            for warning in course.settings_warnings():
                messages.warning(request, f"Check this: {warning}")
            return redirect("courseapp:course_settings", course.slug)
        messages.error(request, "Nothing was saved: correct the fields marked below.")
    return render(
        request,
        "courseapp/courses/settings.html",
        {"course": course, "access": request.access, "form": form},
        status=400 if form.errors else 200,
    )
