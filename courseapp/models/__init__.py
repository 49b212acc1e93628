"""The course app's models, one module per domain area."""

from .accounts import User
from .courses import Course, Membership
from .readings import Listing, Reading, Section
from .schedule import Meeting, Signup, Slot

__all__ = ["Course", "Listing", "Meeting", "Membership", "Reading", "Section", "Signup", "Slot", "User"]
