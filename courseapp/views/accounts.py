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
