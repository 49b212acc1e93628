from django.conf import settings
from django.contrib.auth import login
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from ..forms import SignUpForm


@require_http_methods(["GET", "POST"])
def signup(request):
    """Create an account with name, e-mail and password, then log in."""
    if request.user.is_authenticated:
        return redirect("courseapp:course_list")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="courseapp.backends.UsernameOrEmailBackend")
        return redirect("courseapp:course_list")
    return render(request, "registration/signup.html", {"form": form}, status=400 if form.errors else 200)


def locked_out(request, original_response=None, credentials=None):
    """django-axes' answer to a locked-out log-in: 429, the reason, and the ways out."""
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        "username": (credentials or {}).get("username", ""),
    }
    return render(request, "registration/locked_out.html", context, status=429)
