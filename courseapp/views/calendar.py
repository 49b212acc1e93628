"""iCalendar feeds: the course's public calendar and each student's private one."""

import datetime

from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe
from icalendar import Calendar, Event

from ..models import Course, Membership, Review, Signup
from ..permissions import Perm, course_view
from ..selectors import presented_reading_ids, review_deadlines, schedule
from ..selectors.extensions import Extensions


def _calendar(course: Course, name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//Paper seminar//courseapp//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", course.time_zone)
    return calendar


def _event(uid: str, summary: str, start: datetime.datetime, end: datetime.datetime, description: str, url: str):
    event = Event()
    event.add("uid", uid)
    event.add("summary", summary)
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("dtstamp", timezone.now())
    event.add("description", description)
    event.add("url", url)
    return event


def _response(calendar: Calendar, filename: str) -> HttpResponse:
    # Every TZID the events use gets its VTIMEZONE, so calendar apps need no time zone database of their own.
    calendar.add_missing_timezones()
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@require_safe
@course_view(Perm.VIEW_PUBLIC)
def course_calendar(request, course):
    """Every meeting with its topic and papers (no student names), for calendar apps."""
    calendar = _calendar(course, f"{course.title} ({course.term})")
    page = request.build_absolute_uri(course.get_absolute_url())
    for meeting in schedule(course):
        items = [slot.display_title for slot in meeting.slots.all()]
        summary = f"{course.title}: {meeting.topic or meeting.get_kind_display()}"
        if meeting.kind == meeting.Kind.PAPERS and not meeting.topic:
            summary = f"{course.title}: {len(items)} paper{'s' if len(items) != 1 else ''}"
        description = "\n".join(f"- {item}" for item in items)
        event = _event(
            f"meeting-{meeting.pk}@{request.get_host()}", summary, meeting.starts(), meeting.ends(), description, page
        )
        # The kind of meeting, so that importing this feed into another course keeps it.
        event.add("categories", [meeting.get_kind_display()])
        calendar.add_component(event)
    return _response(calendar, f"{course.slug}.ics")


@require_safe
def member_calendar(request, slug: str, token: str):
    """A student's private feed: presentation, commentaries and review deadlines. The token is the key."""
    membership = (
        Membership.objects.select_related("course", "user")
        .filter(course__slug=slug, calendar_token=token, status=Membership.Status.ACTIVE)
        .first()
    )
    if membership is None:
        raise Http404
    course, user = membership.course, membership.user
    calendar = _calendar(course, f"{course.title}: my seats")
    page = request.build_absolute_uri(course.get_absolute_url())
    signups = Signup.objects.filter(student=user, slot__meeting__course=course).select_related(
        "slot__reading", "slot__meeting__course"
    )
    for signup in signups:
        meeting = signup.slot.meeting
        verb = "You present" if signup.role == Signup.Role.PRESENTER else "You comment on"
        link = signup.slot.reading.url if signup.slot.reading is not None else ""
        calendar.add_component(
            _event(
                f"signup-{signup.pk}@{request.get_host()}",
                f"{verb}: {signup.slot.display_title}",
                meeting.starts(),
                meeting.ends(),
                f"{course.title}, {course.day(meeting.date)}. {link}".strip(),
                page,
            )
        )
    # Review deadlines of the presented papers the student has not yet submitted a review of.
    reviewed = set(
        Review.objects.filter(student=user, reading__course=course, submitted_at__isnull=False).values_list(
            "reading_id", flat=True
        )
    )
    deadlines = review_deadlines(course)
    extended = Extensions.load(course, [user.pk])
    titles = dict(course.readings.filter(pk__in=presented_reading_ids(course)).values_list("pk", "title"))
    for reading_id, title in titles.items():
        if reading_id in reviewed:
            continue
        due = extended.review_due(user.pk, reading_id, deadlines[reading_id])
        calendar.add_component(
            _event(
                f"review-{reading_id}-{user.pk}@{request.get_host()}",
                f"Review due: {title}",
                due - datetime.timedelta(minutes=15),
                due,
                f"{course.title}: a review of this paper is due when its class starts."
                if due == deadlines[reading_id]
                else f"{course.title}: a review of this paper is due then, by your extension.",
                request.build_absolute_uri(reverse("courseapp:review_edit", args=[course.slug, reading_id])),
            )
        )
    return _response(calendar, f"{course.slug}-{user.username}.ics")
