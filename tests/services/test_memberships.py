import pytest

from courseapp.models import Membership
from courseapp.services import ServiceError
from courseapp.services.memberships import ALREADY_MEMBER, membership_request, people_parse

from ..factories import MembershipFactory


class TestPeopleParse:
    @pytest.mark.parametrize(
        ("text", "valid"),
        [
            ("a@example.edu", ["a@example.edu"]),
            ("a@example.edu\nb@example.edu", ["a@example.edu", "b@example.edu"]),
            ("a@example.edu, b@example.edu; c@example.edu", ["a@example.edu", "b@example.edu", "c@example.edu"]),
            ("Ada Achebe <Ada@Example.edu>", ["ada@example.edu"]),
            ("  a@example.edu  \n\n\tA@EXAMPLE.EDU\n", ["a@example.edu"]),
            ("", []),
        ],
    )
    def test_valid(self, text, valid):
        people, invalid = people_parse(text)
        assert ([person.email for person in people], invalid) == (valid, [])

    def test_invalid_entries_are_reported_as_typed(self):
        people, invalid = people_parse("ok@example.edu\nnobody\n<broken@>, x@y@z")
        assert [person.email for person in people] == ["ok@example.edu"]
        assert invalid == ["nobody", "<broken@>", "x@y@z"]

    @pytest.mark.parametrize(
        "text",
        [
            "Grace Hopper <grace@uni.edu>",
            "Hopper, Grace, grace@uni.edu",
            '"Hopper, Grace" <grace@uni.edu>',
            "Grace Hopper grace@uni.edu",
            # Moodle's participants export, and Canvas' "Last, First" in one column
            "First name,Last name,Email address\nGrace,Hopper,grace@uni.edu\n",
            'Student,ID,SIS Login ID,Section\n"Hopper, Grace",1234,grace@uni.edu,CS 496\n',
        ],
    )
    def test_names_are_kept(self, text):
        people, invalid = people_parse(text)
        assert [(p.first_name, p.last_name, p.email) for p in people] == [("Grace", "Hopper", "grace@uni.edu")]
        assert invalid == []


class TestMembershipRequest:
    def test_first_request_is_pending_with_the_note(self, course, outsider):
        membership = membership_request(course=course, user=outsider, note="Took CS 449")
        assert (membership.status, membership.role, membership.request_note) == ("pending", "student", "Took CS 449")

    def test_asking_again_updates_the_note_without_a_second_row(self, course, outsider):
        membership_request(course=course, user=outsider, note="first")
        membership_request(course=course, user=outsider, note="second")
        assert list(Membership.objects.filter(user=outsider).values_list("request_note", flat=True)) == ["second"]

    def test_a_member_cannot_ask(self, course, student):
        with pytest.raises(ServiceError) as error:
            membership_request(course=course, user=student)
        assert (error.value.code, error.value.message) == ("already_member", ALREADY_MEMBER)

    def test_after_a_decline_the_request_is_pending_again_and_undecided(self, course, outsider, instructor):
        MembershipFactory(course=course, user=outsider, status="declined", decided_by=instructor)
        membership = membership_request(course=course, user=outsider, note="again")
        assert (membership.status, membership.decided_by, membership.decided_at) == ("pending", None, None)
