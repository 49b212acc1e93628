from django.urls import path

from .views import accounts, courses, members, readings, schedule, settings

app_name = "courseapp"

urlpatterns = [
    path("", courses.course_list, name="course_list"),
    path("signup/", accounts.signup, name="signup"),
    path("courses/<slug:slug>/", courses.course_home, name="course_home"),
    path("courses/<slug:slug>/join/", courses.course_join, name="course_join"),
    path("courses/<slug:slug>/settings/", settings.course_settings, name="course_settings"),
    path("courses/<slug:slug>/schedule/", schedule.schedule_page, name="schedule"),
    path("courses/<slug:slug>/readings/", readings.reading_list, name="reading_list"),
    path("courses/<slug:slug>/members/", members.members_page, name="members"),
    path("courses/<slug:slug>/members/add/", members.members_add, name="members_add"),
    path(
        "courses/<slug:slug>/members/<int:membership_id>/decide/",
        members.membership_decide_view,
        name="membership_decide",
    ),
    path("courses/<slug:slug>/members/<int:membership_id>/role/", members.membership_role, name="membership_role"),
]
