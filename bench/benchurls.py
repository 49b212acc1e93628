"""The project's URLs and the reference views of benchsite.py."""

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponse
from django.urls import include, path
from django.utils import timezone
from django.views.decorators.http import require_POST

from courseapp.models import Course, User


def hello(request):
    return HttpResponse("Hello, world")


def one_query(request):
    return HttpResponse(Course.objects.values_list("title", flat=True).first())


@require_POST
@login_required
def signed_in_write(request):
    """The session, its user, and one row written in a transaction (tracked by cachalot like any write)."""
    with transaction.atomic():
        User.objects.filter(pk=request.user.pk).update(last_login=timezone.now())
    return HttpResponse("Written")


urlpatterns = [
    path("bench/hello/", hello),
    path("bench/one-query/", one_query),
    path("bench/signed-in-write/", signed_in_write),
    path("", include("config.urls")),
]
