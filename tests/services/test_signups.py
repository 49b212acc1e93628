import datetime

import pytest
from django.utils import timezone

from courseapp.models import Invitation, Membership, Notice, Signup, Swap, WaitlistEntry
from courseapp.services import signups as seats
from courseapp.services.signups import INVITATION_GONE, OWN_SLOT

from ..asserts import refused
from ..factories import MeetingFactory, MembershipFactory, SlotFactory

PRESENTER, COMMENTATOR = Signup.Role.PRESENTER, Signup.Role.COMMENTATOR


@pytest.fixture
def slots(course):
    meeting = MeetingFactory(course=course, date=datetime.date(2024, 10, 16))
    return [SlotFactory(meeting=meeting, reading__title=f"Paper {n}") for n in "ABC"]


@pytest.fixture
def students(course):
    return [MembershipFactory(course=course, user__first_name=f"S{n}", user__last_name="X").user for n in range(6)]


def take(course, slot, student, role=PRESENTER, **kwargs):
    return seats.seat_take(course=course, slot_id=slot.pk, student=student, role=role, **kwargs)


def seat_holders(slot, role=PRESENTER):
    return list(slot.signups.filter(role=role).order_by("seat").values_list("student__first_name", flat=True))


def notices(user):
    return list(Notice.objects.filter(user=user).values_list("message", flat=True))


class TestTakingSeats:
    def test_two_presenters_then_full(self, course, slots, students):
        take(course, slots[0], students[0])
        take(course, slots[0], students[1])
        message = refused("seats_full", take, course, slots[0], students[2])
        assert message.startswith("All presenter seats of this paper are taken. Join the waitlist")
        assert seat_holders(slots[0]) == ["S0", "S1"]

    def test_one_presentation_per_term(self, course, slots, students):
        take(course, slots[0], students[0])
        message = refused("already_presenting", take, course, slots[1], students[0])
        assert message == "You already present “Paper A” (Wed Oct 16, 2024): each student presents one paper per term."

    def test_at_most_two_commentaries(self, course, slots, students):
        take(course, slots[0], students[0], COMMENTATOR)
        take(course, slots[1], students[0], COMMENTATOR)
        message = refused("commentary_limit", take, course, slots[2], students[0], COMMENTATOR)
        assert message == "You already comment on 2 papers, the most this course allows."

    def test_a_limit_of_one_commentary_says_one_paper(self, course, slots, students):
        course.commentaries_per_student = 1
        course.save()
        take(course, slots[0], students[0], COMMENTATOR)
        message = refused("commentary_limit", take, course, slots[1], students[0], COMMENTATOR)
        assert message == "You already comment on one paper, the most this course allows."

    def test_never_commentator_on_ones_own_paper(self, course, slots, students):
        take(course, slots[0], students[0])
        assert refused("own_slot", take, course, slots[0], students[0], COMMENTATOR) == OWN_SLOT

    def test_only_students_take_seats(self, course, slots, ta):
        refused("not_a_student", take, course, slots[0], ta)

    def test_window(self, course, slots, students):
        now = timezone.now()
        course.signup_opens_at, course.signup_closes_at = (
            now + datetime.timedelta(days=1),
            now + datetime.timedelta(days=8),
        )
        course.save()
        assert refused("window_closed", take, course, slots[0], students[0]).startswith("Sign-ups open ")
        assert take(course, slots[0], students[0], now=now + datetime.timedelta(days=2))
        message = refused("window_closed", take, course, slots[1], students[1], now=now + datetime.timedelta(days=9))
        assert message.startswith("Sign-ups closed ") and message.endswith("Ask the instructor if you need a change.")
        refused("window_closed", seats.seat_drop, course=course, slot_id=slots[0].pk, student=students[0])

    def test_items_without_seats(self, course, students):
        discussion = SlotFactory(meeting__course=course, kind="discussion", reading=None, title="Class discussion")
        refused("no_seats", take, course, discussion, students[0])


class TestWaitlist:
    def test_first_in_line_gets_the_freed_seat_and_is_told(self, course, slots, students):
        take(course, slots[0], students[0])
        take(course, slots[0], students[1])
        assert seats.waitlist_join(course=course, slot_id=slots[0].pk, student=students[2], role=PRESENTER) == 1
        assert seats.waitlist_join(course=course, slot_id=slots[0].pk, student=students[3], role=PRESENTER) == 2
        seats.seat_drop(course=course, slot_id=slots[0].pk, student=students[0])
        assert seat_holders(slots[0]) == ["S2", "S1"]
        assert notices(students[2]) == [
            "A presenter seat of “Paper A” (Wed Oct 16, 2024) freed up and is now yours (you were first in line)."
        ]
        assert list(WaitlistEntry.objects.values_list("student__first_name", flat=True)) == ["S3"]

    def test_someone_no_longer_eligible_is_skipped_and_told_why(self, course, slots, students):
        take(course, slots[0], students[0])
        take(course, slots[0], students[1])
        seats.waitlist_join(course=course, slot_id=slots[0].pk, student=students[2], role=PRESENTER)
        seats.waitlist_join(course=course, slot_id=slots[0].pk, student=students[3], role=PRESENTER)
        take(course, slots[1], students[2])  # meanwhile S2 presents another paper
        seats.seat_drop(course=course, slot_id=slots[0].pk, student=students[1])
        assert seat_holders(slots[0]) == ["S0", "S3"]
        assert notices(students[2])[0].startswith(
            "You left the waitlist of “Paper A” (Wed Oct 16, 2024): You already present"
        )

    def test_only_for_a_full_slot(self, course, slots, students):
        message = refused(
            "seats_open", seats.waitlist_join, course=course, slot_id=slots[0].pk, student=students[0], role=PRESENTER
        )
        assert message == "A presenter seat of this paper is open: take it instead of waiting."

    def test_leave(self, course, slots, students):
        take(course, slots[0], students[0])
        take(course, slots[0], students[1])
        seats.waitlist_join(course=course, slot_id=slots[0].pk, student=students[2], role=PRESENTER)
        seats.waitlist_leave(course=course, slot_id=slots[0].pk, student=students[2])
        assert not WaitlistEntry.objects.exists()


class TestInvitations:
    def test_the_held_seat_is_for_the_invitee_only(self, course, slots, students):
        take(course, slots[0], students[0])
        seats.invitation_send(course=course, slot_id=slots[0].pk, inviter=students[0], invitee=students[1])
        assert Invitation.objects.get().status == "pending"
        refused("seats_full", take, course, slots[0], students[2])
        invitation = Invitation.objects.get()
        seats.invitation_answer(course=course, invitation_id=invitation.pk, user=students[1], decision="accept")
        assert seat_holders(slots[0]) == ["S0", "S1"]
        assert notices(students[0]) == ["S1 X accepted: you present “Paper A” (Wed Oct 16, 2024) together."]

    def test_a_decline_frees_the_seat_for_the_waitlist(self, course, slots, students):
        take(course, slots[0], students[0])
        seats.invitation_send(course=course, slot_id=slots[0].pk, inviter=students[0], invitee=students[1])
        seats.waitlist_join(course=course, slot_id=slots[0].pk, student=students[2], role=PRESENTER)
        invitation = Invitation.objects.get()
        seats.invitation_answer(course=course, invitation_id=invitation.pk, user=students[1], decision="decline")
        assert seat_holders(slots[0]) == ["S0", "S2"]
        assert Invitation.objects.get().status == "declined"

    def test_only_the_invitee_answers_and_only_the_inviter_cancels(self, course, slots, students):
        take(course, slots[0], students[0])
        invitation = seats.invitation_send(course=course, slot_id=slots[0].pk, inviter=students[0], invitee=students[1])
        for user, decision in ((students[2], "accept"), (students[0], "accept"), (students[1], "cancel")):
            with pytest.raises(Invitation.DoesNotExist):
                seats.invitation_answer(course=course, invitation_id=invitation.pk, user=user, decision=decision)
        seats.invitation_answer(course=course, invitation_id=invitation.pk, user=students[0], decision="cancel")
        message = refused(
            "invitation_gone",
            seats.invitation_answer,
            course=course,
            invitation_id=invitation.pk,
            user=students[1],
            decision="accept",
        )
        assert message == INVITATION_GONE

    def test_cannot_invite_someone_who_presents_already(self, course, slots, students):
        take(course, slots[0], students[0])
        take(course, slots[1], students[1])
        message = refused(
            "already_presenting",
            seats.invitation_send,
            course=course,
            slot_id=slots[0].pk,
            inviter=students[0],
            invitee=students[1],
        )
        assert message == "S1 X already presents a paper this term."

    def test_only_a_presenter_invites(self, course, slots, students):
        refused(
            "not_presenter",
            seats.invitation_send,
            course=course,
            slot_id=slots[0].pk,
            inviter=students[0],
            invitee=students[1],
        )


class TestSwaps:
    def test_accepted_swap_moves_both_at_once(self, course, slots, students):
        take(course, slots[0], students[0])
        take(course, slots[1], students[1])
        take(course, slots[1], students[2])
        swap = seats.swap_propose(course=course, proposer=students[0], partner=students[2], partner_slot_id=slots[1].pk)
        seats.swap_answer(course=course, swap_id=swap.pk, user=students[2], decision="accept")
        assert seat_holders(slots[0]) == ["S2"]
        assert seat_holders(slots[1]) == ["S1", "S0"]
        assert Swap.objects.get().status == "accepted"

    def test_refused_when_the_partner_comments_on_the_proposers_paper(self, course, slots, students):
        take(course, slots[0], students[0])
        take(course, slots[1], students[1])
        take(course, slots[0], students[1], COMMENTATOR)
        swap = seats.swap_propose(course=course, proposer=students[0], partner=students[1], partner_slot_id=slots[1].pk)
        message = refused(
            "comments_there", seats.swap_answer, course=course, swap_id=swap.pk, user=students[1], decision="accept"
        )
        assert message == "S1 X comments on “Paper A”, so cannot present it. Drop that commentary first."
        assert seat_holders(slots[0]) == ["S0"] and seat_holders(slots[1]) == ["S1"]

    def test_a_swap_with_someone_who_does_not_present_there_is_refused(self, course, slots, students):
        take(course, slots[0], students[0])
        refused(
            "not_presenter",
            seats.swap_propose,
            course=course,
            proposer=students[0],
            partner=students[1],
            partner_slot_id=slots[1].pk,
        )

    def test_decline(self, course, slots, students):
        take(course, slots[0], students[0])
        take(course, slots[1], students[1])
        swap = seats.swap_propose(course=course, proposer=students[0], partner=students[1], partner_slot_id=slots[1].pk)
        seats.swap_answer(course=course, swap_id=swap.pk, user=students[1], decision="decline")
        assert seat_holders(slots[0]) == ["S0"]
        assert notices(students[0]) == ["S1 X declined the swap."]


class TestStaff:
    def test_assign_ignores_the_window_and_the_limits(self, course, slots, students, instructor):
        course.signup_closes_at = timezone.now() - datetime.timedelta(days=1)
        course.save()
        take_by_staff = seats.seat_assign
        take_by_staff(course=course, slot_id=slots[0].pk, student=students[0], role=PRESENTER, by=instructor)
        take_by_staff(course=course, slot_id=slots[1].pk, student=students[0], role=PRESENTER, by=instructor)
        assert Signup.objects.filter(student=students[0]).count() == 2
        assert notices(students[0])[0].endswith("made you a presenter of “Paper B” (Wed Oct 16, 2024).")

    def test_remove_moves_the_waitlist_up(self, course, slots, students, instructor):
        take(course, slots[0], students[0])
        take(course, slots[0], students[1])
        seats.waitlist_join(course=course, slot_id=slots[0].pk, student=students[2], role=PRESENTER)
        signup = Signup.objects.get(student=students[0])
        seats.signup_remove(course=course, signup_id=signup.pk, by=instructor)
        assert seat_holders(slots[0]) == ["S2", "S1"]

    def test_move(self, course, slots, students, instructor):
        take(course, slots[0], students[0])
        signup = Signup.objects.get(student=students[0])
        seats.signup_move(course=course, signup_id=signup.pk, to_slot_id=slots[2].pk, by=instructor)
        assert seat_holders(slots[0]) == [] and seat_holders(slots[2]) == ["S0"]
        assert "moved you from “Paper A” (Wed Oct 16, 2024) to “Paper C” (Wed Oct 16, 2024)" in notices(students[0])[0]

    def test_a_removed_student_is_no_longer_in_line(self, course, slots, students, instructor):
        take(course, slots[0], students[0])
        take(course, slots[0], students[1])
        seats.waitlist_join(course=course, slot_id=slots[0].pk, student=students[2], role=PRESENTER)
        Membership.objects.filter(user=students[2]).update(status="declined")
        seats.seat_drop(course=course, slot_id=slots[0].pk, student=students[0])
        assert seat_holders(slots[0]) == ["S1"]
        assert not WaitlistEntry.objects.exists()
