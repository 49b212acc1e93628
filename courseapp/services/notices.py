"""What students are told about their seats: a notice on their pages, and an e-mail once it commits."""

from django.utils import timezone

from .. import dates
from ..models import Course, Notice, Signup, Slot, User
from .queue import later


def notify(course: Course, user: User, message: str) -> Notice:
    """Tell a student what happened to their seats: on their pages, and by e-mail once this commits."""
    notice = Notice.objects.create(course=course, user=user, message=message)
    later("send_notice", notice.pk)
    return notice


def seat_confirm(signup: Signup) -> Signup:
    """E-mail the student a confirmation of the seat they took, once this commits."""
    later("send_signup_confirmation", signup.pk)
    return signup


def notices_read(*, course: Course, user: User) -> None:
    """Mark the user's notices of this course as read."""
    Notice.objects.filter(course=course, user=user, read_at__isnull=True).update(read_at=timezone.now())


def describe(slot: Slot) -> str:
    """A paper as a notice names it: “Title” (Wed Oct 16)."""
    return f"“{slot.display_title}” ({dates.show(slot.meeting.date, 'day')})"
