"""The course app's models, one module per domain area."""

from .accounts import User
from .courses import Course, Membership
from .extensions import Extension
from .grading import Component, Criterion, Release, Rubric, Score, ScoreChange
from .links import LinkCheckRun, LinkResult
from .mail import SentMail
from .preferences import AssignmentRun, Choice, DraftSeat, Ranking
from .presentations import OneOnOneTime, SlideUpload, Timing
from .quiz import ExamSlot, QuizDraw, QuizPick
from .readings import Listing, Reading, ReadingImport, Section
from .reviews import Review, ReviewSubmission, SimilarityFlag
from .schedule import CalendarImport, Invitation, Meeting, Notice, Signup, Slot, Swap, WaitlistEntry

__all__ = [
    "AssignmentRun",
    "CalendarImport",
    "Choice",
    "Component",
    "Course",
    "Criterion",
    "DraftSeat",
    "ExamSlot",
    "Extension",
    "Invitation",
    "LinkCheckRun",
    "LinkResult",
    "Listing",
    "Meeting",
    "Membership",
    "Notice",
    "OneOnOneTime",
    "QuizDraw",
    "QuizPick",
    "Ranking",
    "Reading",
    "ReadingImport",
    "Release",
    "Review",
    "ReviewSubmission",
    "Rubric",
    "Score",
    "ScoreChange",
    "Section",
    "SentMail",
    "Signup",
    "SimilarityFlag",
    "SlideUpload",
    "Slot",
    "Swap",
    "Timing",
    "User",
    "WaitlistEntry",
]
