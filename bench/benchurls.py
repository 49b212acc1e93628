"""The project's URLs and the two reference views of benchsite.py."""

from django.http import HttpResponse
from django.urls import include, path

from courseapp.models import Course


def hello(request):
    return HttpResponse("Hello, world")


def one_query(request):
    return HttpResponse(Course.objects.values_list("title", flat=True).first())


urlpatterns = [
    path("bench/hello/", hello),
    path("bench/one-query/", one_query),
    path("", include("config.urls")),
]
