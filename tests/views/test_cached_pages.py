"""Cached pages (courseapp/caching.py) show every change at once, however it was written.

Each test reads a page, which keeps its fragment, then changes what the page shows the way services
and tasks do around model signals (``update()``, ``bulk_create()``, a delete by queryset), and reads
the page again.
"""

import datetime
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from courseapp.models import Extension, Listing, Meeting, Membership, Reading, Review, Signup

from ..asserts import HTMX, url
from ..factories import ListingFactory, MembershipFactory, SectionFactory, SignupFactory, SlotFactory


@pytest.fixture
def listed(course):
    return ListingFactory(section=SectionFactory(course=course), reading__title="Attention Is All You Need").reading


class TestReadingList:
    def test_a_review_written_meanwhile_shows_at_once_and_only_to_its_author(self, course, listed, client_for):
        author, other = MembershipFactory(course=course).user, MembershipFactory(course=course).user
        page = url("reading_list", course)
        assert "write a review" in client_for(author).get(page).content.decode()
        Review.objects.bulk_create([Review(reading=listed, student=author, text="x")])
        assert "continue" in client_for(author).get(page).content.decode()
        assert "continue" not in client_for(other).get(page).content.decode(), "another student's badge"

    def test_an_edit_by_queryset_shows_at_once(self, course, listed, student, client_for):
        client, page = client_for(student), url("reading_list", course)
        assert "Attention Is All You Need" in client.get(page).content.decode()
        Listing.objects.filter(reading=listed).update(annotation="Read sections 1-3 only.")
        assert "Read sections 1-3 only." in client.get(page).content.decode()
        Reading.objects.filter(pk=listed.pk).update(title="Transformers")
        html = client.get(page).content.decode()
        assert "Transformers" in html and "Attention Is All You Need" not in html

    def test_a_manual_write_shows_once_the_cache_is_told(self, course, listed, student, client_for):
        """Raw SQL goes around the ORM, so around what keeps track: the README's command catches up."""
        client, page = client_for(student), url("reading_list", course)
        client.get(page)
        with connection.cursor() as cursor:
            cursor.execute("UPDATE courseapp_reading SET title = %s WHERE id = %s", ["Transformers", listed.pk])
        call_command("invalidate_cachalot", verbosity=0)
        assert "Transformers" in client.get(page).content.decode()

    def test_a_search_is_not_answered_with_the_whole_list(self, course, listed, student, client_for):
        ListingFactory(section=listed.listings.get().section, reading__title="BERT")
        client, page = client_for(student), url("reading_list", course)
        assert "BERT" in client.get(page).content.decode()
        assert "BERT" not in client.get(page, {"q": "attention"}).content.decode()


class TestSchedule:
    def test_a_seat_taken_meanwhile_shows_on_the_schedule_and_the_course_page(
        self, course, slot, instructor, client_for
    ):
        newcomer = MembershipFactory(course=course, user__first_name="Grace", user__last_name="Hopper").user
        client = client_for(instructor)
        pages = [url("schedule", course), url("course_home", course)]
        assert all("Grace Hopper" not in client.get(page).content.decode() for page in pages)
        Signup.objects.bulk_create([Signup(slot=slot, student=newcomer, role="presenter", seat=1)])
        assert all("Grace Hopper" in client.get(page).content.decode() for page in pages)
        Signup.objects.filter(slot=slot).delete()
        assert all("Grace Hopper" not in client.get(page).content.decode() for page in pages)

    def test_members_and_visitors_keep_their_own_copies(self, course, slot, instructor, outsider, client_for):
        SignupFactory(slot=slot, student__first_name="Grace", student__last_name="Hopper")
        assert "Grace Hopper" in client_for(instructor).get(url("schedule", course)).content.decode()
        assert "Grace Hopper" not in client_for(outsider).get(url("schedule", course)).content.decode()

    def test_the_editor_shows_a_change_and_its_kept_forms_still_post(self, course, meeting, slot, instructor):
        client = Client(enforce_csrf_checks=True)
        client.force_login(instructor)
        editor = url("schedule_edit", course)
        client.get(editor)  # gives the session its CSRF secret
        assert "Decoding strategies" not in client.get(editor).content.decode()  # kept from here on
        Meeting.objects.filter(pk=meeting.pk).update(topic="Decoding strategies")
        html = client.get(editor).content.decode()
        assert "Decoding strategies" in html
        again = client.get(editor).content.decode()  # from the cache, tokens and all
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', again).group(1)
        response = client.post(url("slot_remove", course, slot.pk), {"csrfmiddlewaretoken": token, "confirm": "yes"})
        assert response.status_code == 302 and not meeting.slots.exists()


class TestAccess:
    def test_a_member_removed_meanwhile_is_refused_at_once(self, course, student, client_for):
        client = client_for(student)
        assert client.get(url("reading_list", course)).status_code == 200
        Membership.objects.filter(course=course, user=student).update(status=Membership.Status.REMOVED)
        assert client.get(url("reading_list", course)).status_code == 403


class TestProgress:
    def test_my_reviews_and_the_reviews_table_count_a_review_submitted_meanwhile(
        self, course, listed, student, instructor, client_for
    ):
        mine, table = url("my_reviews", course), url("reviews_table", course)
        assert re.search(r"0 <small>of", client_for(student).get(mine).content.decode())
        client_for(instructor).get(table)
        Review.objects.bulk_create([Review(reading=listed, student=student, text="x", submitted_at=timezone.now())])
        assert re.search(r"1 <small>of", client_for(student).get(mine).content.decode())
        assert f">1/{course.reviews_required}<" in client_for(instructor).get(table).content.decode()


class TestGradebook:
    def test_a_student_joining_meanwhile_gets_a_row(self, course, instructor, client_for):
        client = client_for(instructor)
        assert "Ada Lovelace" not in client.get(url("gradebook", course)).content.decode()
        MembershipFactory(course=course, user__first_name="Ada", user__last_name="Lovelace")
        assert "Ada Lovelace" in client.get(url("gradebook", course)).content.decode()


class TestDeadlines:
    """A submission's deadline is kept for the whole class (a rush reads it once), yet follows the schedule."""

    @pytest.fixture
    def past_paper(self, course):
        """A paper whose class met yesterday: a review of it now is late."""
        return SlotFactory(meeting__course=course, meeting__date=timezone.localdate() - datetime.timedelta(days=1))

    def submit(self, client, course, reading) -> str:
        path = url("review_submit", course, reading.pk)
        return client.post(path, {"text": "A review.", "attest": "yes"}, headers=HTMX).content.decode()

    def test_a_class_moved_meanwhile_moves_the_deadline(self, course, past_paper, student, client_for):
        client = client_for(student)
        assert "marked late" in self.submit(client, course, past_paper.reading)
        Meeting.objects.filter(pk=past_paper.meeting_id).update(date=timezone.localdate() + datetime.timedelta(days=7))
        answer = self.submit(client_for(MembershipFactory(course=course).user), course, past_paper.reading)
        assert "Submitted" in answer and "marked late" not in answer

    def test_an_extension_granted_meanwhile_counts_at_once(self, course, past_paper, student, client_for):
        classmate = MembershipFactory(course=course).user
        assert "marked late" in self.submit(client_for(classmate), course, past_paper.reading)
        Extension.objects.bulk_create(
            [
                Extension(
                    course=course,
                    student=student,
                    scope=Extension.Scope.COURSE,
                    extra=datetime.timedelta(days=3),
                    granted_at=timezone.now(),
                )
            ]
        )
        answer = self.submit(client_for(student), course, past_paper.reading)
        assert "Submitted" in answer and "marked late" not in answer
