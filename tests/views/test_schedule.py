import datetime
import re

from django.urls import reverse

from courseapp.models import Meeting, Membership, Notice, Signup, Slot, Swap

from ..asserts import HTMX
from ..factories import MeetingFactory, MembershipFactory, ReadingFactory, SignupFactory, SlotFactory


def seat_url(course, slot):
    return reverse("courseapp:slot_seat", args=[course.slug, slot.pk])


class TestTakingASeat:
    def test_htmx_returns_the_table_and_the_panel_out_of_band(self, course, slot, student, client_for):
        response = client_for(student).post(
            seat_url(course, slot), {"action": "take", "role": "presenter"}, headers=HTMX
        )
        html = response.content.decode()
        assert response.status_code == 200
        assert html.lstrip().startswith('<div class="table-scroll" id="schedule-table">')
        assert "You are now a presenter of this paper." in html
        assert f'<li class="seat taken">{student.display_name}' in html
        assert '<aside id="my-term" class="my-term" aria-labelledby="my-term-heading" hx-swap-oob="true">' in html
        assert Signup.objects.get(student=student).slot == slot

    def test_a_refusal_says_why_in_the_row(self, course, slot, student, client_for):
        for _ in range(2):
            SignupFactory(slot=slot, seat=Signup.objects.filter(slot=slot).count() + 1)
        response = client_for(student).post(
            seat_url(course, slot), {"action": "take", "role": "presenter"}, headers=HTMX
        )
        assert response.status_code == 409
        assert "All presenter seats of this paper are taken. Join the waitlist" in response.content.decode()
        assert 'value="wait"' in response.content.decode()

    def test_once_i_present_other_papers_say_so_instead_of_offering_present(
        self, course, meeting, slot, student, client_for
    ):
        other = SlotFactory(meeting=meeting)
        client = client_for(student)
        before = client.get(reverse("courseapp:schedule", args=[course.slug])).content.decode()
        assert before.count('value="take" class="small">Present</button>') == 2
        client.post(seat_url(course, slot), {"action": "take", "role": "presenter"})
        after = client.get(reverse("courseapp:schedule", args=[course.slug])).content.decode()
        assert ">Present</button>" not in after and "(you present Oct 16, 2024)" in after
        assert after.count(">Comment</button>") == 1, "commenting on another paper is still offered"
        third, fourth = SlotFactory(meeting=meeting), SlotFactory(meeting=meeting)
        for commented in (other, third):
            client.post(seat_url(course, commented), {"action": "take", "role": "commentator"})
        done = client.get(reverse("courseapp:schedule", args=[course.slug])).content.decode()
        assert ">Comment</button>" not in done and "(you have chosen your commentaries)" in done
        assert f'id="slot-{fourth.pk}"' in done

    def test_without_javascript_it_redirects_with_the_message(self, course, slot, student, client_for):
        response = client_for(student).post(
            seat_url(course, slot), {"action": "take", "role": "presenter"}, follow=True
        )
        assert "You are now a presenter of this paper." in response.content.decode()

    def test_the_panel_shows_my_presentation_partner_invitations_and_the_private_feed(
        self, course, slot, student, client_for
    ):
        partner = MembershipFactory(course=course, user__first_name="Grace", user__last_name="Hopper").user
        SignupFactory(slot=slot, student=student, seat=1)
        client = client_for(student)
        html = client.get(reverse("courseapp:schedule", args=[course.slug])).content.decode()
        assert "no partner yet" in html and "Invite a partner" in html and "Grace Hopper" in html
        client.post(reverse("courseapp:slot_invite", args=[course.slug, slot.pk]), {"invitee": partner.pk})
        html = client.get(reverse("courseapp:schedule", args=[course.slug])).content.decode()
        assert "Seat held for Grace Hopper, waiting for an answer." in html
        assert "Held for Grace Hopper" in html
        token = Membership.objects.get(user=student).calendar_token
        assert f"/courses/{course.slug}/calendar/{token}.ics" in html

    def test_staff_see_no_seat_buttons(self, course, slot, instructor, client_for):
        html = client_for(instructor).get(reverse("courseapp:schedule", args=[course.slug])).content.decode()
        assert 'value="take"' not in html and "My term" not in html
        assert "Edit the schedule" in html

    def test_a_closed_window_hides_the_buttons_and_says_so(self, course, slot, student, client_for):
        course.signup_closes_at = datetime.datetime(2024, 10, 1, 12, tzinfo=datetime.UTC)
        course.save()
        html = client_for(student).get(reverse("courseapp:schedule", args=[course.slug])).content.decode()
        assert "Sign-ups closed Tue Oct 1, 2024, 7:00 AM." in html
        assert 'value="take"' not in html

    def test_notices_are_shown_until_dismissed(self, course, slot, student, client_for):
        Notice.objects.create(course=course, user=student, message="A presenter seat freed up and is now yours.")
        client = client_for(student)
        assert (
            "freed up and is now yours"
            in client.get(reverse("courseapp:schedule", args=[course.slug])).content.decode()
        )
        client.post(reverse("courseapp:notices_dismiss", args=[course.slug]))
        assert "freed up" not in client.get(reverse("courseapp:schedule", args=[course.slug])).content.decode()


class TestEditor:
    def url(self, course, name, *args):
        return reverse(f"courseapp:{name}", args=[course.slug, *args])

    def test_the_picker_ranks_the_title_itself_then_titles_starting_with_it(
        self, course, meeting, instructor, client_for
    ):
        for title in ("MUSIC VAE: Learning Latent Palettes", "Palette: Image-to-Image Diffusion Models", "Palette",
                      "A Palette of Attention"):  # fmt: skip
            ReadingFactory(course=course, title=title)
        path = self.url(course, "reading_picker")
        html = client_for(instructor).get(path, {"meeting": meeting.pk, "q": "palette"}, headers=HTMX).text
        found = re.findall(r'<span>([^<]+?) <span class="badge', html)
        assert found == ["Palette", "Palette: Image-to-Image Diffusion Models", "A Palette of Attention",
                         "MUSIC VAE: Learning Latent Palettes"]  # fmt: skip

    def test_a_meetings_form_loads_when_opened_and_comes_back_with_its_errors(
        self, course, meeting, instructor, client_for
    ):
        client = client_for(instructor)
        editor = client.get(self.url(course, "schedule_edit")).content.decode()
        assert f'name="m{meeting.pk}-date"' not in editor and 'hx-trigger="toggle once"' in editor
        form = client.get(self.url(course, "meeting_update", meeting.pk), headers=HTMX).content.decode()
        assert form.lstrip().startswith('<form method="post"') and f'name="m{meeting.pk}-date"' in form
        page = client.get(self.url(course, "meeting_update", meeting.pk)).content.decode()
        assert "Back to the schedule editor" in page and "hx-post" not in page.split("<main")[1]
        refused = client.post(
            self.url(course, "meeting_update", meeting.pk), {f"m{meeting.pk}-date": "someday"}, headers=HTMX
        )
        html = refused.content.decode()
        assert refused.status_code == 400 and 'value="someday"' in html and "<details open>" in html

    def test_add_a_meeting_and_see_the_warnings(self, course, meeting, slot, instructor, client_for):
        client = client_for(instructor)
        response = client.post(
            self.url(course, "meeting_create"),
            {"new-date": "2024-10-16", "new-kind": "papers", "new-topic": "Sampling"},
            headers=HTMX,
        )
        html = response.content.decode()
        assert response.status_code == 200 and html.lstrip().startswith('<div id="editor">')
        assert "2 meetings are on Wed Oct 16, 2024." in html
        client.post(self.url(course, "meeting_create"), {"new-date": "2025-03-01", "new-kind": "lecture"})
        other = Meeting.objects.get(date="2025-03-01")
        SlotFactory(meeting=other, reading=slot.reading)
        html = client.get(self.url(course, "schedule_edit")).content.decode()
        assert "The meeting of Sat Mar 1, 2025 is outside the term (Sep 25, 2024 to Dec 13, 2024)." in html
        assert (
            "“The Curious Case of Neural Text Degeneration” is scheduled 2 times (Oct 16, 2024, Mar 1, 2025)." in html
        )

    def test_an_invalid_meeting_keeps_what_was_typed(self, course, instructor, client_for):
        response = client_for(instructor).post(
            self.url(course, "meeting_create"), {"new-date": "not a date", "new-topic": "Diffusion"}, headers=HTMX
        )
        assert response.status_code == 400
        assert "Enter a valid date." in response.content.decode() and 'value="Diffusion"' in response.content.decode()

    def test_search_as_you_type_and_add_a_reading(self, course, meeting, instructor, client_for):
        reading = ReadingFactory(course=course, title="Denoising Diffusion Probabilistic Models")
        ReadingFactory(course=course, title="Attention is All You Need")
        client = client_for(instructor)
        html = client.get(
            self.url(course, "reading_picker"), {"meeting": meeting.pk, "q": "diffusion"}
        ).content.decode()
        assert "Denoising Diffusion Probabilistic Models" in html and "Attention" not in html
        client.post(self.url(course, "slot_add", meeting.pk), {"reading": reading.pk, "kind": "paper"})
        assert meeting.slots.get().reading == reading
        response = client.post(
            self.url(course, "slot_add", meeting.pk), {"reading": reading.pk, "kind": "paper"}, headers=HTMX
        )
        assert response.status_code == 409
        assert "is on this meeting&#x27;s agenda already" in response.content.decode()

    def test_reorder(self, course, meeting, instructor, client_for):
        first, second = SlotFactory(meeting=meeting, position=1), SlotFactory(meeting=meeting, position=2)
        client_for(instructor).post(self.url(course, "slot_reorder", second.pk), {"direction": "up"})
        assert list(meeting.slots.order_by("position")) == [second, first]

    def test_moving_a_slot_with_sign_ups_names_the_students_first(self, course, meeting, slot, instructor, client_for):
        signup = SignupFactory(slot=slot, student=MembershipFactory(course=course, user__first_name="Ada").user)
        later = MeetingFactory(course=course, date=datetime.date(2024, 11, 6))
        client = client_for(instructor)
        response = client.post(
            self.url(course, "slot_update", slot.pk), {"meeting": later.pk, "kind": "paper"}, headers=HTMX
        )
        html = response.content.decode()
        assert "These students are signed up and will be told:" in html and signup.student.display_name in html
        slot.refresh_from_db()
        assert slot.meeting == meeting, "nothing moves before the instructor confirms"
        client.post(self.url(course, "slot_update", slot.pk), {"meeting": later.pk, "kind": "paper", "confirm": "yes"})
        slot.refresh_from_db()
        assert slot.meeting == later and slot.signups.get() == signup
        assert "moved “The Curious Case of Neural Text Degeneration” (Wed Oct 16, 2024) to Wed Nov 6, 2024" in (
            Notice.objects.get(user=signup.student).message
        )

    def test_instructor_led_slot_has_no_seats(self, course, slot, instructor, client_for):
        client_for(instructor).post(self.url(course, "slot_update", slot.pk), {"kind": "instructor"})
        slot.refresh_from_db()
        assert slot.kind == Slot.Kind.INSTRUCTOR

    def test_remove_slot_with_confirmation(self, course, slot, instructor, client_for):
        student = MembershipFactory(course=course).user
        SignupFactory(slot=slot, student=student)
        client = client_for(instructor)
        client.post(self.url(course, "slot_remove", slot.pk))
        assert Slot.objects.filter(pk=slot.pk).exists()
        client.post(self.url(course, "slot_remove", slot.pk), {"confirm": "yes"})
        assert not Slot.objects.filter(pk=slot.pk).exists()
        assert "took “The Curious Case of Neural Text Degeneration” (Wed Oct 16, 2024) off the schedule" in (
            Notice.objects.get(user=student).message
        )

    def test_assign_and_move_a_student(self, course, meeting, slot, instructor, student, client_for):
        other = SlotFactory(meeting=meeting)
        client = client_for(instructor)
        client.post(self.url(course, "seat_assign", slot.pk), {"student": student.pk, "role": "commentator"})
        signup = Signup.objects.get(student=student)
        assert (signup.slot, signup.role) == (slot, "commentator")
        client.post(self.url(course, "signup_change", signup.pk), {"to_slot": other.pk})
        signup.refresh_from_db()
        assert signup.slot == other
        client.post(self.url(course, "signup_change", signup.pk))
        assert not Signup.objects.exists()

    def test_editor_query_count_does_not_grow_with_students(
        self, course, meeting, instructor, client_for, django_assert_num_queries
    ):
        slots = [SlotFactory(meeting=meeting) for _ in range(3)]
        for i in range(40):
            user = MembershipFactory(course=course).user
            if i < 6:
                SignupFactory(slot=slots[i // 2], student=user, seat=i % 2 + 1)
        client = client_for(instructor)
        # session, user, the course with the requests to join, my membership; meetings, slots, sign-ups,
        # held seats, waitlists
        with django_assert_num_queries(9):
            html = client.get(self.url(course, "schedule_edit")).content.decode()
        assert html.count('name="student"') == 0, "the seat forms load one slot at a time"
        # One slot's seat forms: session, user (the course and membership are the page's, kept:
        # courseapp/caching.py); the slot, its sign-ups; slots; students
        path = reverse("courseapp:slot_seats", args=[course.slug, slots[0].pk])
        with django_assert_num_queries(6):
            fragment = client.get(path, headers=HTMX).content.decode()
        # two seat holders x (remove + the 2 other slots), the 40 students and "Assign a student…", 2 roles
        assert fragment.count("<option value=") == 2 * 3 + 41 + 2
        assert fragment.count('name="to_slot"') == 2 and f'hx-target="#edit-meeting-{slots[0].meeting_id}"' in fragment
        page = client.get(path).content.decode()
        assert "Back to the schedule editor" in page and "hx-post" not in page.split("<main")[1]


class TestSwapThroughThePage:
    def test_propose_from_the_row_and_accept_from_the_panel(self, course, meeting, student, client_for):
        mine, theirs = SlotFactory(meeting=meeting), SlotFactory(meeting=meeting, reading__title="Mamba")
        other = MembershipFactory(course=course, user__first_name="Wen", user__last_name="Wang").user
        SignupFactory(slot=mine, student=student)
        SignupFactory(slot=theirs, student=other)
        proposer = client_for(student)
        page = proposer.get(reverse("courseapp:schedule", args=[course.slug])).content.decode()
        assert f'<input type="hidden" name="partner" value="{other.pk}">' in page
        proposer.post(reverse("courseapp:swap_propose", args=[course.slug, theirs.pk]), {"partner": other.pk})

        partner = client_for(other)
        page = partner.get(reverse("courseapp:schedule", args=[course.slug])).content.decode()
        assert f"{student.display_name} proposes a swap" in page
        swap_id = Swap.objects.get(proposer=student).pk
        response = partner.post(
            reverse("courseapp:swap_answer", args=[course.slug, swap_id]), {"decision": "accept"}, headers=HTMX
        )
        assert response.status_code == 200
        assert Signup.objects.get(student=student).slot == theirs
        assert Signup.objects.get(student=other).slot == mine

    def test_only_the_partner_can_accept(self, course, meeting, student, client_for):
        mine, theirs = SlotFactory(meeting=meeting), SlotFactory(meeting=meeting)
        other = MembershipFactory(course=course).user
        SignupFactory(slot=mine, student=student)
        SignupFactory(slot=theirs, student=other)
        swap = Swap.objects.create(proposer=student, proposer_slot=mine, partner=other, partner_slot=theirs)
        url = reverse("courseapp:swap_answer", args=[course.slug, swap.pk])
        assert client_for(student).post(url, {"decision": "accept"}).status_code == 404
        assert Signup.objects.get(student=student).slot == mine


def test_every_row_has_a_header_and_every_button_a_name_that_says_what_it_does(
    course, meeting, slot, instructor, client
):
    """What a screen reader meets: no empty row header, no empty link, reorder buttons named in words."""
    SlotFactory(meeting=meeting, reading__title="Second paper")
    page = client.get(reverse("courseapp:schedule", args=[course.slug])).content.decode()
    headers = re.findall(r'<th scope="row"[^>]*>(.*?)</th>', page, re.S)
    assert len(headers) == 2 and all(header.strip() for header in headers)
    assert '<span class="visually-hidden">Wed Oct 16, 2024</span>' in page
    client.force_login(instructor)
    editor = client.get(reverse("courseapp:schedule_edit", args=[course.slug])).content.decode()
    assert '<span class="visually-hidden">Move “Second paper” up</span>' in editor
    without_link = ReadingFactory(course=course, url="")
    history = client.get(reverse("courseapp:link_history", args=[course.slug, without_link.pk])).content.decode()
    assert 'href=""' not in history and "This reading has no link now." in history


class TestDatesCarryTheirYear:
    """A date of another year says its year, so a past term's "Wed Oct 16" never reads as this year's."""

    def test_a_past_terms_pages_name_the_year(self, course, slot, instructor, client_for):
        client = client_for(instructor)
        meeting_page = client.get(reverse("courseapp:meeting_update", args=[course.slug, slot.meeting_id])).text
        assert "The meeting of Wednesday, October 16, 2024" in meeting_page
        seats_page = client.get(reverse("courseapp:slot_seats", args=[course.slug, slot.pk])).text
        assert "Wednesday, October 16, 2024." in seats_page
        table = client.get(reverse("courseapp:reviews_table", args=[course.slug])).text
        assert ">10/16/24<br>" in table

    def test_this_years_dates_go_without_it(self, course, slot, instructor, client_for):
        today = datetime.date.today()
        Meeting.objects.filter(pk=slot.meeting_id).update(date=today)
        page = client_for(instructor).get(reverse("courseapp:meeting_update", args=[course.slug, slot.meeting_id]))
        assert f"The meeting of {today:%A, %B} {today.day}</h1>" in page.text
        table = client_for(instructor).get(reverse("courseapp:reviews_table", args=[course.slug])).text
        assert f">{today.month}/{today.day}<br>" in table
