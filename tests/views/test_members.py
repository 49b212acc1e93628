import re
import threading

import pytest
from django.core import mail
from django.db import connection
from django.test import Client, RequestFactory
from django.urls import reverse

from courseapp.models import Membership, User
from courseapp.services.memberships import NOT_REMOVABLE, NOTHING_CHOSEN, OWN_ROLE, ROLE_NOT_ASSIGNABLE
from tests.asserts import shows

from ..asserts import HTMX
from ..factories import MembershipFactory, UserFactory


def decide_url(membership):
    return reverse("courseapp:membership_decide", args=[membership.course.slug, membership.pk])


class TestMembersPage:
    def test_instructor_sees_requests_with_their_notes_and_buttons(self, course, instructor, applicant, client_for):
        html = client_for(instructor).get(reverse("courseapp:members", args=[course.slug])).content.decode()
        assert "I took CS 449." in html
        assert 'value="approve"' in html and "Add students" in html

    def test_ta_sees_the_roster_but_cannot_decide_or_add(self, course, ta, applicant, client_for):
        html = client_for(ta).get(reverse("courseapp:members", args=[course.slug])).content.decode()
        assert applicant.email in html and "Waiting for the instructor" in html
        assert 'value="approve"' not in html and "Add students" not in html

    def test_query_count_does_not_grow_with_students(self, course, instructor, client_for, django_assert_num_queries):
        for _ in range(30):
            MembershipFactory(course=course)
            MembershipFactory(course=course, status="pending")
        client = client_for(instructor)
        # session, user, the course with the requests waiting (the navigation's badge), my membership, roster
        with django_assert_num_queries(5):
            client.get(reverse("courseapp:members", args=[course.slug]))


class TestDecide:
    def test_approve_inline_returns_the_updated_row(self, course, instructor, applicant, client_for):
        membership = Membership.objects.get(user=applicant)
        response = client_for(instructor).post(decide_url(membership), {"decision": "approve"}, headers=HTMX)
        html = response.content.decode()
        assert response.status_code == 200
        assert f'<tr id="request-{membership.pk}">' in html and "Approved" in html
        # The navigation's badge comes along out of band, now with no request waiting.
        assert '<template><span id="requests-badge" hx-swap-oob="true"></span></template>' in html
        membership.refresh_from_db()
        assert (membership.status, membership.decided_by) == ("active", instructor)

    def test_an_approved_student_can_open_the_reading_list(self, course, instructor, applicant, client_for):
        url = reverse("courseapp:reading_list", args=[course.slug])
        assert client_for(applicant).get(url).status_code == 403
        client_for(instructor).post(decide_url(Membership.objects.get(user=applicant)), {"decision": "approve"})
        assert client_for(applicant).get(url).status_code == 200

    def test_decline(self, course, instructor, applicant, client_for):
        membership = Membership.objects.get(user=applicant)
        response = client_for(instructor).post(decide_url(membership), {"decision": "decline"}, headers=HTMX)
        assert "Declined" in response.content.decode()
        membership.refresh_from_db()
        assert membership.status == "declined"

    def test_deciding_twice_is_a_conflict_that_says_so(self, course, instructor, applicant, client_for):
        membership = Membership.objects.get(user=applicant)
        client = client_for(instructor)
        client.post(decide_url(membership), {"decision": "approve"}, headers=HTMX)
        response = client.post(decide_url(membership), {"decision": "decline"}, headers=HTMX)
        assert response.status_code == 409
        assert "already approved" in response.content.decode()
        membership.refresh_from_db()
        assert membership.status == "active"

    def test_a_request_of_another_course_is_404(self, course, instructor, client_for):
        elsewhere = MembershipFactory(status="pending")
        url = reverse("courseapp:membership_decide", args=[course.slug, elsewhere.pk])
        assert client_for(instructor).post(url, {"decision": "approve"}).status_code == 404
        elsewhere.refresh_from_db()
        assert elsewhere.status == "pending"

    def test_unknown_decision_is_400(self, course, instructor, applicant, client_for):
        membership = Membership.objects.get(user=applicant)
        assert client_for(instructor).post(decide_url(membership), {"decision": "maybe"}).status_code == 400

    @pytest.mark.django_db(transaction=True)
    def test_two_tabs_deciding_at_once_one_wins(self, course, instructor, applicant):
        """Approve and decline race on PostgreSQL: the row lock lets exactly one through."""
        membership = Membership.objects.get(user=applicant)
        barrier = threading.Barrier(2)
        results = {}

        def decide(decision):
            client = Client()
            client.force_login(instructor)
            barrier.wait()
            results[decision] = client.post(decide_url(membership), {"decision": decision}, headers=HTMX).status_code
            connection.close()

        threads = [threading.Thread(target=decide, args=(d,)) for d in ("approve", "decline")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(results.values()) == [200, 409]
        membership.refresh_from_db()
        winner = next(d for d, code in results.items() if code == 200)
        assert membership.status == {"approve": "active", "decline": "declined"}[winner]


class TestBulkAdd:
    @pytest.fixture(autouse=True)
    def _commit_callbacks(self, django_capture_on_commit_callbacks):
        self.capture = django_capture_on_commit_callbacks

    def post(self, client, course, text, **kwargs):
        """Post the form and run what waits for the commit (queuing the invitations)."""
        with self.capture(execute=True):
            return client.post(reverse("courseapp:members_add", args=[course.slug]), {"addresses": text}, **kwargs)

    def test_adds_existing_users_invites_new_ones_and_skips_members(self, course, instructor, student, client_for):
        known = UserFactory(email="Known.Person@Example.edu")
        pending = MembershipFactory(course=course, status="pending").user
        text = f"known.person@example.edu\nNew Person <new.person@example.edu>; {student.email}, {pending.email}"
        response = self.post(client_for(instructor), course, text, headers=HTMX | {"HX-Target": "bulk_add"})
        html = response.content.decode()
        assert response.status_code == 200
        assert html.lstrip().startswith('<section id="bulk_add"')
        assert "Added 2: known.person@example.edu" in html
        assert "Made accounts for and invited 1: new.person@example.edu" in html
        assert f"Already members, left as they were: {student.email}" in html
        active = Membership.objects.filter(course=course, status="active", role="student")
        assert set(active.values_list("user__email", flat=True)) >= {
            known.email,
            pending.email,
            "new.person@example.edu",
        }
        invited = sorted(m.to[0] for m in mail.outbox)
        assert invited == sorted(["Known.Person@Example.edu", pending.email, "new.person@example.edu"])

    def test_a_new_student_sets_a_password_from_the_invitation_and_logs_in(self, course, instructor, client_for):
        self.post(client_for(instructor), course, "ada@example.edu")
        [message] = mail.outbox
        assert course.title in message.subject
        link = re.search(r"http://127\.0\.0\.1:8000(/accounts/reset/\S+)", message.body).group(1)
        client = Client()
        form_url = client.get(link, follow=True).redirect_chain[-1][0]
        client.post(form_url, {"new_password1": "a-long-passphrase", "new_password2": "a-long-passphrase"})
        assert client.login(
            request=RequestFactory().post("/accounts/login/"), username="ada@example.edu", password="a-long-passphrase"
        )
        assert client.get(reverse("courseapp:reading_list", args=[course.slug])).status_code == 200

    def test_one_bad_address_adds_nobody_and_keeps_the_text(self, course, instructor, client_for):
        text = "good@example.edu\nnot-an-address\nalso good <fine@example.edu>"
        response = self.post(client_for(instructor), course, text, headers=HTMX | {"HX-Target": "bulk_add"})
        html = response.content.decode()
        assert response.status_code == 400
        assert "These are not e-mail addresses: not-an-address" in html
        assert "good@example.edu\nnot-an-address\nalso good &lt;fine@example.edu&gt;" in html
        assert not User.objects.filter(email__in=["good@example.edu", "fine@example.edu"]).exists()
        assert mail.outbox == []

    def test_invitation_is_sent_once_however_often_the_task_runs(self, course, instructor, client_for):
        from courseapp.tasks import send_welcome

        self.post(client_for(instructor), course, "once@example.edu")
        membership = Membership.objects.get(user__email="once@example.edu")
        assert send_welcome(membership.pk, new_account=True) is False
        assert len(mail.outbox) == 1


class TestRoles:
    def test_instructor_makes_a_student_a_ta_who_then_sees_the_roster(self, course, instructor, student, client_for):
        membership = Membership.objects.get(user=student)
        url = reverse("courseapp:membership_role", args=[course.slug, membership.pk])
        response = client_for(instructor).post(url, {"role": "ta"}, headers=HTMX)
        assert response.content.decode().lstrip().startswith(f'<tr id="member-{membership.pk}">')
        assert '<option value="ta" selected>' in response.content.decode()
        assert client_for(student).get(reverse("courseapp:members", args=[course.slug])).status_code == 200

    def test_a_member_becomes_a_co_instructor_who_then_edits_the_settings(self, course, instructor, ta, client_for):
        membership = Membership.objects.get(user=ta)
        url = reverse("courseapp:membership_role", args=[course.slug, membership.pk])
        response = client_for(instructor).post(url, {"role": "instructor"}, headers=HTMX)
        assert '<option value="instructor" selected>' in response.content.decode()
        assert client_for(ta).get(reverse("courseapp:course_settings", args=[course.slug])).status_code == 200

    def test_an_unknown_role_is_refused(self, course, instructor, student, client_for):
        membership = Membership.objects.get(user=student)
        url = reverse("courseapp:membership_role", args=[course.slug, membership.pk])
        response = client_for(instructor).post(url, {"role": "dean"}, headers=HTMX)
        assert response.status_code == 400 and shows(response.text, ROLE_NOT_ASSIGNABLE)
        membership.refresh_from_db()
        assert membership.role == "student"

    def test_the_instructors_own_role_stays(self, course, instructor, client_for):
        membership = Membership.objects.get(user=instructor)
        url = reverse("courseapp:membership_role", args=[course.slug, membership.pk])
        response = client_for(instructor).post(url, {"role": "ta"}, follow=True)
        assert response.redirect_chain == [(reverse("courseapp:members", args=[course.slug]), 302)]
        assert shows(response.text, OWN_ROLE)
        membership.refresh_from_db()
        assert membership.role == "instructor"

    def test_a_pending_request_has_no_role_to_change(self, course, instructor, applicant, client_for):
        membership = Membership.objects.get(user=applicant)
        url = reverse("courseapp:membership_role", args=[course.slug, membership.pk])
        assert client_for(instructor).post(url, {"role": "ta"}).status_code == 404


class TestPeopleAsPasted:
    @pytest.fixture(autouse=True)
    def _commit_callbacks(self, django_capture_on_commit_callbacks):
        self.capture = django_capture_on_commit_callbacks

    def test_names_are_kept_for_new_accounts(self, course, instructor, client_for):
        text = "Grace Hopper <grace@uni.edu>\nLovelace, Ada, ada@uni.edu"
        with self.capture(execute=True):
            client_for(instructor).post(reverse("courseapp:members_add", args=[course.slug]), {"addresses": text})
        names = dict(User.objects.filter(email__endswith="@uni.edu").values_list("email", "last_name"))
        assert names == {"grace@uni.edu": "Hopper", "ada@uni.edu": "Lovelace"}
        assert User.objects.get(email="ada@uni.edu").first_name == "Ada"

    def test_a_canvas_export(self, course, instructor, client_for):
        text = 'Student,ID,SIS Login ID,Section\n"Hopper, Grace",1,grace@uni.edu,A\n"Turing, Alan",2,alan@uni.edu,A\n'
        with self.capture(execute=True):
            response = client_for(instructor).post(
                reverse("courseapp:members_add", args=[course.slug]), {"addresses": text}
            )
        assert "Made accounts for and invited 2" in response.text
        assert User.objects.get(email="alan@uni.edu").get_full_name() == "Alan Turing"

    def test_a_pasted_address_made_co_instructor(self, course, instructor, client_for):
        with self.capture(execute=True):
            client_for(instructor).post(
                reverse("courseapp:members_add", args=[course.slug]), {"addresses": "co@uni.edu", "role": "instructor"}
            )
        assert Membership.objects.get(user__email="co@uni.edu").role == "instructor"


class TestBulkDecide:
    def test_approve_several_at_once_and_each_hears_of_it(
        self, course, instructor, client_for, django_capture_on_commit_callbacks
    ):
        requests = [MembershipFactory(course=course, status="pending") for _ in range(3)]
        with django_capture_on_commit_callbacks(execute=True):
            response = client_for(instructor).post(
                reverse("courseapp:memberships_decide", args=[course.slug]),
                {"decision": "approve", "ids": [requests[0].pk, requests[1].pk]},
                follow=True,
            )
        assert "Approved 2" in response.text
        statuses = [Membership.objects.get(pk=m.pk).status for m in requests]
        assert statuses == ["active", "active", "pending"]
        assert sorted(m.to[0] for m in mail.outbox) == sorted([requests[0].user.email, requests[1].user.email])
        assert all("You are admitted" in m.subject for m in mail.outbox)

    def test_nothing_chosen(self, course, instructor, applicant, client_for):
        response = client_for(instructor).post(
            reverse("courseapp:memberships_decide", args=[course.slug]), {"decision": "decline"}, follow=True
        )
        assert shows(response.text, NOTHING_CHOSEN)
        assert Membership.objects.get(user=applicant).status == "pending"


class TestRemove:
    def test_a_removed_student_leaves_the_roster_and_gradebook_and_can_be_restored(
        self, course, instructor, student, client_for
    ):
        from courseapp.selectors import course_students

        membership = Membership.objects.get(user=student)
        client = client_for(instructor)
        url = reverse("courseapp:membership_remove", args=[course.slug, membership.pk])
        response = client.post(url, headers=HTMX)
        assert "Removed" in response.text and 'id="member-count" hx-swap-oob="true"' in response.text
        assert "0 students" in response.text
        assert student not in course_students(course)
        gradebook = client.get(reverse("courseapp:gradebook", args=[course.slug]))
        assert student.email not in gradebook.text and student.get_full_name() not in gradebook.text
        # The student no longer gets in, and their work is still there for the record.
        assert client_for(student).get(reverse("courseapp:my_reviews", args=[course.slug])).status_code == 403
        client_for(instructor).post(url, {"restore": "true"}, headers=HTMX)
        assert Membership.objects.get(pk=membership.pk).status == "active"
        assert student in course_students(course)

    def test_staff_are_not_removed_here(self, course, instructor, ta, client_for):
        membership = Membership.objects.get(user=ta)
        response = client_for(instructor).post(
            reverse("courseapp:membership_remove", args=[course.slug, membership.pk]), headers=HTMX
        )
        assert response.status_code == 409 and shows(response.text, NOT_REMOVABLE)


class TestJoinRequestNotices:
    def test_the_instructor_is_told_by_mail_and_a_badge(
        self, course, instructor, outsider, client_for, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            client_for(outsider).post(reverse("courseapp:course_join", args=[course.slug]), {"note": "CS 449 done"})
        [message] = mail.outbox
        assert message.to == [instructor.email]
        assert f"{outsider.display_name} asked to join" in message.subject and "CS 449 done" in message.body
        page = client_for(instructor).get(reverse("courseapp:course_home", args=[course.slug]))
        assert 'title="Requests to join">1</span>' in page.text

    def test_a_declined_student_is_told(
        self, course, instructor, applicant, client_for, django_capture_on_commit_callbacks
    ):
        membership = Membership.objects.get(user=applicant)
        with django_capture_on_commit_callbacks(execute=True):
            client_for(instructor).post(decide_url(membership), {"decision": "decline"})
        [message] = mail.outbox
        assert message.to == [applicant.email] and "declined" in message.subject
