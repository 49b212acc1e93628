"""The course app's models, one module per domain area."""

from .accounts import User
from .courses import Course, Membership
from .readings import Listing, Reading, ReadingImport, Section
from .reviews import Review, ReviewSubmission, SimilarityFlag
from .schedule import Invitation, Meeting, Notice, Signup, Slot, Swap, WaitlistEntry

__all__ = [
    "Course",
    "Invitation",
    "Listing",
    "Meeting",
    "Membership",
    "Notice",
    "Reading",
    "ReadingImport",
    "Review",
    "ReviewSubmission",
    "Section",
    "Signup",
    "SimilarityFlag",
    "Slot",
    "Swap",
    "User",
    "WaitlistEntry",
]
