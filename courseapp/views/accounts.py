from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.tokens import default_token_generator
from django.contrib.auth.views import PasswordResetConfirmView
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlsafe_base64_decode
from django.views.decorators.http import require_http_methods, require_POST

from ..forms import SignUpForm
from ..models import User
from ..services.accounts import confirmation_queue, confirmation_tokens, email_confirm


@require_http_methods(["GET", "POST"])
def signup(request):
    """Create an account with name, e-mail and password, then log in."""
    if request.user.is_authenticated:
        return redirect("courseapp:course_list")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        confirmation_queue(user)
        login(request, user, backend="courseapp.backends.UsernameOrEmailBackend")
        messages.success(request, f"Welcome. We sent a link to {user.email}: open it to confirm your address.")
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


def _account(uidb64: str):
    try:
        return User.objects.get(pk=urlsafe_base64_decode(uidb64).decode())
    except (ValueError, TypeError, OverflowError, User.DoesNotExist):
        return None


@require_http_methods(["GET", "POST"])
def email_confirm_view(request, uidb64: str, token: str):
    """The link mailed to an address: the account's owner confirms it with a click (a POST, never the GET).

    Someone not logged in to that account (the address's real owner, whose address another person
    typed) is offered to set a password instead, which confirms the address and logs everyone else out.
    """
    user = _account(uidb64)
    if user is None or not confirmation_tokens.check_token(user, token):
        return render(request, "registration/email_confirm.html", {"invalid": True}, status=400)
    mine = request.user.is_authenticated and request.user.pk == user.pk
    if request.method == "POST" and mine:
        courses = email_confirm(user)
        joined = f" You are now a member of {', '.join(course.title for course in courses)}." if courses else ""
        messages.success(request, f"Your e-mail address {user.email} is confirmed.{joined}")
        return redirect("courseapp:course_list")
    context = {
        "account": user,
        "mine": mine,
        "set_password_url": reverse(
            "password_reset_confirm", kwargs={"uidb64": uidb64, "token": default_token_generator.make_token(user)}
        ),
        "hide_confirmation_banner": True,
    }
    return render(request, "registration/email_confirm.html", context)


@require_POST
@login_required
def email_confirmation_send_view(request):
    """Mail the confirmation link again (at most one every two minutes)."""
    if request.user.email_confirmed:
        return redirect("courseapp:course_list")
    confirmation_queue(request.user)
    messages.info(
        request, f"We sent a link to {request.user.email}; it can take a minute, and one is sent every two at most."
    )
    return redirect(_back(request))


def _back(request) -> str:
    """Back where the button was, when that is this site; else the course list."""
    back = request.headers.get("Referer", "")
    if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return back
    return reverse("courseapp:course_list")


class PasswordSetView(PasswordResetConfirmView):
    """Django's "set a new password" from a mailed link, which also proves the address: it confirms it."""

    def form_valid(self, form):
        response = super().form_valid(form)
        email_confirm(form.user)
        return response
