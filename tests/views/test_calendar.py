"""The calendar feeds: the course's public one and each student's private one."""

import datetime

from django.urls import reverse
from icalendar import Calendar

from courseapp.models import Membership
from courseapp.services.reviews import review_submit

from ..factories import MeetingFactory, MembershipFactory, SignupFactory


class TestCalendars:
    def test_course_feed_lists_every_meeting_without_names(self, course, meeting, slot, client):
        MeetingFactory(course=course, date=datetime.date(2024, 12, 13), kind="exam", topic="Final exam")
        SignupFactory(slot=slot, student=MembershipFactory(course=course, user__first_name="Ada").user)
        response = client.get(reverse("courseapp:course_calendar", args=[course.slug]))
        assert response["Content-Type"] == "text/calendar; charset=utf-8"
        events = Calendar.from_ical(response.content).walk("VEVENT")
        assert [str(event["summary"]) for event in events] == [
            f"{course.title}: 1 paper",
            f"{course.title}: Final exam",
        ]
        first = events[0]
        assert first.decoded("dtstart") == datetime.datetime(2024, 10, 16, 14, tzinfo=course.tzinfo)
        assert "The Curious Case of Neural Text Degeneration" in str(first["description"])
        assert b"Ada" not in response.content

    def test_private_feed_has_my_seats_and_its_address_can_be_reset(self, course, slot, student, client, client_for):
        SignupFactory(slot=slot, student=student, role="commentator")
        token = Membership.objects.get(user=student).calendar_token
        url = reverse("courseapp:member_calendar", args=[course.slug, token])
        events = Calendar.from_ical(client.get(url).content).walk("VEVENT")
        assert [str(event["summary"]) for event in events] == [
            "You comment on: The Curious Case of Neural Text Degeneration",
            "Review due: The Curious Case of Neural Text Degeneration",
        ]
        assert events[1].decoded("dtend") == datetime.datetime(2024, 10, 16, 14, tzinfo=course.tzinfo)
        review_submit(reading=slot.reading, student=student, text="Reviewed.", attested=True)
        events = Calendar.from_ical(client.get(url).content).walk("VEVENT")
        assert [str(event["summary"]) for event in events] == [
            "You comment on: The Curious Case of Neural Text Degeneration"
        ]
        client_for(student).post(reverse("courseapp:calendar_token_reset", args=[course.slug]))
        assert client.get(url).status_code == 404
        new_token = Membership.objects.get(user=student).calendar_token
        assert client.get(reverse("courseapp:member_calendar", args=[course.slug, new_token])).status_code == 200

    def test_every_time_zone_the_feeds_use_has_its_vtimezone(self, course, slot, student, client):
        SignupFactory(slot=slot, student=student, role="commentator")
        token = Membership.objects.get(user=student).calendar_token
        for url in (
            reverse("courseapp:course_calendar", args=[course.slug]),
            reverse("courseapp:member_calendar", args=[course.slug, token]),
        ):
            calendar = Calendar.from_ical(client.get(url).content)
            used = {str(event["dtstart"].params["TZID"]) for event in calendar.walk("VEVENT")}
            defined = {str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")}
            assert used == {course.time_zone} and used <= defined
            (zone,) = calendar.walk("VTIMEZONE")
            assert {sub.name for sub in zone.subcomponents} == {"STANDARD", "DAYLIGHT"}  # Chicago keeps DST

    def test_a_wrong_token_is_404(self, course, student, client):
        assert client.get(reverse("courseapp:member_calendar", args=[course.slug, "guess"])).status_code == 404
