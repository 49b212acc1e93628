import pytest
from celery.exceptions import NotRegistered

from courseapp.services.notices import notify
from courseapp.services.queue import later

from ..factories import MembershipFactory


def test_a_task_is_queued_once_the_change_commits(db, django_capture_on_commit_callbacks, mailoutbox):
    member = MembershipFactory()
    with django_capture_on_commit_callbacks() as queued:
        notify(member.course, member.user, "You present “Attention” (Wed Oct 16).")
    assert len(queued) == 1 and mailoutbox == [], "nothing is sent before the commit"
    queued[0]()  # the commit (tasks run eagerly without a broker)
    assert [message.to for message in mailoutbox] == [[member.user.email]]


def test_a_misspelt_task_fails_in_the_transaction_that_asked_for_it(db):
    with pytest.raises(NotRegistered):
        later("send_notise", 1)
