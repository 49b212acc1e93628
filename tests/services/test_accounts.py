"""A pasted roster admits an account only once its address is confirmed; a new account is its address's own."""

import re

import pytest
from django.core import mail

from courseapp.models import Membership
from courseapp.permissions import Role, course_access
from courseapp.services.accounts import email_confirm
from courseapp.services.memberships import members_add_by_email

from ..factories import UserFactory


@pytest.fixture
def squatter(db):
    """Someone made an account with the student's address and never confirmed it."""
    return UserFactory(email="grace@uni.edu", email_confirmed_at=None)


def test_a_roster_naming_an_unconfirmed_account_waits_for_its_confirmation(
    course, instructor, squatter, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        result = members_add_by_email(course=course, added_by=instructor, text="Grace Hopper <grace@uni.edu>")
    assert result.unconfirmed == ["grace@uni.edu"] and result.added == []
    membership = Membership.objects.get(course=course, user=squatter)
    assert membership.status == Membership.Status.UNCONFIRMED
    assert course_access(squatter, course.slug)[1] == Role.APPLICANT, (
        "no access to the course under an unproven address"
    )
    [message] = mail.outbox
    assert message.to == ["grace@uni.edu"]
    assert re.search(r"Confirm it to join the course:\s+http://\S+/accounts/confirm/", message.body)

    assert [c.pk for c in email_confirm(squatter)] == [course.pk]
    membership.refresh_from_db()
    assert membership.status == Membership.Status.ACTIVE
    assert course_access(squatter, course.slug)[1] == Role.STUDENT


def test_a_confirmed_account_and_a_new_one_join_at_once(course, instructor):
    confirmed = UserFactory(email="ada@uni.edu")
    result = members_add_by_email(course=course, added_by=instructor, text="ada@uni.edu\nnew.person@uni.edu")
    assert result.added == ["ada@uni.edu"] and result.invited == ["new.person@uni.edu"]
    statuses = set(Membership.objects.filter(course=course, role="student").values_list("status", flat=True))
    assert statuses == {Membership.Status.ACTIVE}
    assert course_access(confirmed, course.slug)[1] == Role.STUDENT
