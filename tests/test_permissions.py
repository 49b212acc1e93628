"""Every URL in the URLconf, and what each role gets from it.

A URL missing from MATRIX fails ``test_every_url_is_classified``: new endpoints must say who may use them.
"""

import datetime

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from courseapp.models import (
    AssignmentRun,
    CalendarImport,
    Course,
    DraftSeat,
    ExamSlot,
    Extension,
    Invitation,
    Membership,
    OneOnOneTime,
    Reading,
    ReadingImport,
    Review,
    SlideUpload,
    Swap,
)
from courseapp.permissions import ARCHIVED_READ_ONLY
from courseapp.selectors import course_rubrics

from .asserts import HTMX
from .factories import (
    ListingFactory,
    MeetingFactory,
    MembershipFactory,
    SectionFactory,
    SignupFactory,
    SlotFactory,
)

ROLES = ("anonymous", "applicant", "student", "other_student", "ta", "instructor")

LOGIN = "login"  # redirected to the login page
OK = 200
REDIRECT = 302
FORBIDDEN = 403


def everyone(outcome):
    return dict.fromkeys(ROLES, outcome)


def logged_in(outcome):
    return {"anonymous": LOGIN} | dict.fromkeys(ROLES[1:], outcome)


def members_only(outcome):
    return {"anonymous": LOGIN, "applicant": FORBIDDEN, "other_student": FORBIDDEN, "student": outcome} | {
        "ta": outcome,
        "instructor": outcome,
    }


def staff_only(outcome):
    return members_only(outcome) | {"student": FORBIDDEN}


def instructor_only(outcome):
    return staff_only(outcome) | {"ta": FORBIDDEN}


def student_only(outcome):
    return members_only(FORBIDDEN) | {"student": outcome}


NOT_FOUND = 404


def staff_hidden(outcome):
    """Staff pages about students' work: to anyone else they do not exist."""
    return dict.fromkeys(ROLES, NOT_FOUND) | {"anonymous": LOGIN, "ta": outcome, "instructor": outcome}


# name: (method, URL kwargs from the fixtures, POST data, expected outcome per role)
MATRIX = {
    "courseapp:course_list": ("get", lambda f: {}, None, logged_in(OK)),
    "courseapp:signup": ("get", lambda f: {}, None, {"anonymous": OK} | dict.fromkeys(ROLES[1:], REDIRECT)),
    "courseapp:course_home": ("get", lambda f: {"slug": f.course.slug}, None, everyone(OK)),
    # Starting a course: anyone signed up, by default (COURSE_CREATORS = anyone)
    "courseapp:course_new": ("get", lambda f: {}, None, logged_in(OK)),
    "courseapp:course_copy": ("get", lambda f: {"slug": f.course.slug}, None, instructor_only(OK)),
    "courseapp:course_archive": (
        "post",
        lambda f: {"slug": f.course.slug},
        {"archived": "true"},
        instructor_only(REDIRECT),
    ),
    "courseapp:checklist_dismiss": ("post", lambda f: {"slug": f.course.slug}, {}, staff_only(REDIRECT)),
    "courseapp:schedule": ("get", lambda f: {"slug": f.course.slug}, None, everyone(OK)),
    # Only someone who is not in the course (yet, or any more) asks to join it.
    "courseapp:course_join": (
        "post",
        lambda f: {"slug": f.course.slug},
        {"note": "Please"},
        {"anonymous": LOGIN, "other_student": REDIRECT}
        | dict.fromkeys(("applicant", "student", "ta", "instructor"), 403),
    ),
    "courseapp:reading_list": ("get", lambda f: {"slug": f.course.slug}, None, members_only(OK)),
    "courseapp:members": ("get", lambda f: {"slug": f.course.slug}, None, staff_only(OK)),
    "courseapp:members_add": (
        "post",
        lambda f: {"slug": f.course.slug},
        {"addresses": "new.student@example.edu"},
        instructor_only(OK),
    ),
    "courseapp:membership_decide": (
        "post",
        lambda f: {"slug": f.course.slug, "membership_id": f.pending.pk},
        {"decision": "approve"},
        instructor_only(REDIRECT),
    ),
    "courseapp:course_settings": ("get", lambda f: {"slug": f.course.slug}, None, instructor_only(OK)),
    "courseapp:membership_role": (
        "post",
        lambda f: {"slug": f.course.slug, "membership_id": f.users_membership("student").pk},
        {"role": "ta"},
        instructor_only(REDIRECT),
    ),
    "courseapp:memberships_decide": (
        "post",
        lambda f: {"slug": f.course.slug},
        lambda f: {"decision": "approve", "ids": [f.pending.pk]},
        instructor_only(REDIRECT),
    ),
    "courseapp:membership_remove": (
        "post",
        lambda f: {"slug": f.course.slug, "membership_id": f.users_membership("student").pk},
        {},
        instructor_only(REDIRECT),
    ),
    # Sign-ups: students only
    "courseapp:slot_seat": (
        "post",
        lambda f: {"slug": f.course.slug, "slot_id": f.slot_c.pk},
        {"action": "take", "role": "presenter"},
        student_only(REDIRECT),
    ),
    "courseapp:slot_invite": (
        "post",
        lambda f: {"slug": f.course.slug, "slot_id": f.slot_c.pk},
        lambda f: {"invitee": f.presenter.pk},
        student_only(REDIRECT),
    ),
    "courseapp:swap_propose": (
        "post",
        lambda f: {"slug": f.course.slug, "slot_id": f.slot_a.pk},
        lambda f: {"partner": f.presenter.pk},
        student_only(REDIRECT),
    ),
    "courseapp:invitation_answer": (
        "post",
        lambda f: {"slug": f.course.slug, "invitation_id": f.invitation.pk},
        {"decision": "decline"},
        student_only(REDIRECT),
    ),
    "courseapp:swap_answer": (
        "post",
        lambda f: {"slug": f.course.slug, "swap_id": f.swap.pk},
        {"decision": "decline"},
        student_only(REDIRECT),
    ),
    "courseapp:notices_dismiss": ("post", lambda f: {"slug": f.course.slug}, {}, student_only(REDIRECT)),
    # The preference round: a student's own ranking; the run, its draft and publishing for staff.
    "courseapp:ranking": ("get", lambda f: {"slug": f.course.slug}, None, student_only(OK)),
    "courseapp:ranking_change": (
        "post",
        lambda f: {"slug": f.course.slug},
        lambda f: {"kind": "present", "action": "add", "slot": f.slot_c.pk},
        student_only(REDIRECT),
    ),
    "courseapp:ranking_partner": (
        "post",
        lambda f: {"slug": f.course.slug},
        lambda f: {"partner": f.presenter.pk},
        student_only(REDIRECT),
    ),
    "courseapp:assignment": ("get", lambda f: {"slug": f.course.slug}, None, staff_only(OK)),
    "courseapp:assignment_start": ("post", lambda f: {"slug": f.course.slug}, {}, staff_only(REDIRECT)),
    "courseapp:assignment_publish": (
        "post",
        lambda f: {"slug": f.course.slug},
        lambda f: {"run": f.assignment_run.pk},
        staff_only(REDIRECT),
    ),
    "courseapp:draft_move": (
        "post",
        lambda f: {"slug": f.course.slug, "draft_id": f.draft_seat.pk},
        lambda f: {"to": f.slot_c.pk},
        staff_only(REDIRECT),
    ),
    "courseapp:calendar_token_reset": ("post", lambda f: {"slug": f.course.slug}, {}, student_only(REDIRECT)),
    # Calendars: the course's is public; a student's private feed opens with its token, for anyone holding it.
    "courseapp:course_calendar": ("get", lambda f: {"slug": f.course.slug}, None, everyone(OK)),
    "courseapp:member_calendar": (
        "get",
        lambda f: {"slug": f.course.slug, "token": f.users_membership("student").calendar_token},
        None,
        everyone(OK),
    ),
    # The schedule editor: instructor and TA
    "courseapp:schedule_edit": ("get", lambda f: {"slug": f.course.slug}, None, staff_only(OK)),
    "courseapp:meeting_create": (
        "post",
        lambda f: {"slug": f.course.slug},
        {"new-date": "2024-11-13", "new-kind": "lecture", "new-topic": "Extra"},
        staff_only(REDIRECT),
    ),
    # A meeting's form (loaded into the editor when opened), and saving it (in POSTS_TOO).
    "courseapp:meeting_update": (
        "get",
        lambda f: {"slug": f.course.slug, "meeting_id": f.meeting.pk},
        None,
        staff_only(OK),
    ),
    "courseapp:meeting_remove": (
        "post",
        lambda f: {"slug": f.course.slug, "meeting_id": f.empty_meeting.pk},
        {},
        staff_only(REDIRECT),
    ),
    "courseapp:slot_add": (
        "post",
        lambda f: {"slug": f.course.slug, "meeting_id": f.empty_meeting.pk},
        lambda f: {"reading": f.slot_a.reading_id, "kind": "paper"},
        staff_only(REDIRECT),
    ),
    "courseapp:slot_update": (
        "post",
        lambda f: {"slug": f.course.slug, "slot_id": f.slot_c.pk},
        {"kind": "instructor"},
        staff_only(REDIRECT),
    ),
    "courseapp:slot_reorder": (
        "post",
        lambda f: {"slug": f.course.slug, "slot_id": f.slot_c.pk},
        {"direction": "up"},
        staff_only(REDIRECT),
    ),
    "courseapp:slot_remove": (
        "post",
        lambda f: {"slug": f.course.slug, "slot_id": f.slot_c.pk},
        {},
        staff_only(REDIRECT),
    ),
    "courseapp:slot_seats": ("get", lambda f: {"slug": f.course.slug, "slot_id": f.slot_c.pk}, None, staff_only(OK)),
    "courseapp:seat_assign": (
        "post",
        lambda f: {"slug": f.course.slug, "slot_id": f.slot_c.pk},
        lambda f: {"student": f.users["student"].pk, "role": "commentator"},
        staff_only(REDIRECT),
    ),
    "courseapp:signup_change": (
        "post",
        lambda f: {"slug": f.course.slug, "signup_id": f.presenter_signup.pk},
        {},
        staff_only(REDIRECT),
    ),
    "courseapp:calendar_import": ("get", lambda f: {"slug": f.course.slug}, None, staff_only(OK)),
    "courseapp:calendar_import_preview": (
        "get",
        lambda f: {"slug": f.course.slug, "import_id": f.calendar_import.pk},
        None,
        staff_only(OK),
    ),
    "courseapp:calendar_import_confirm": (
        "post",
        lambda f: {"slug": f.course.slug, "import_id": f.calendar_import.pk},
        {},
        staff_only(REDIRECT),
    ),
    "courseapp:reading_picker": (
        "get",
        lambda f: {"slug": f.course.slug},
        lambda f: {"meeting": f.meeting.pk, "q": "paper"},
        staff_only(OK),
    ),
    # Reviews: students write their own; staff read everyone's
    "courseapp:review_edit": (
        "get",
        lambda f: {"slug": f.course.slug, "reading_id": f.slot_a.reading_id},
        None,
        student_only(OK),
    ),
    "courseapp:review_draft": (
        "post",
        lambda f: {"slug": f.course.slug, "reading_id": f.slot_a.reading_id},
        {"text": "A first thought."},
        student_only(OK),
    ),
    "courseapp:review_submit": (
        "post",
        lambda f: {"slug": f.course.slug, "reading_id": f.slot_a.reading_id},
        {"text": "My review.", "attest": "yes"},
        student_only(OK),
    ),
    "courseapp:my_reviews": ("get", lambda f: {"slug": f.course.slug}, None, student_only(OK)),
    "courseapp:reviews_table": ("get", lambda f: {"slug": f.course.slug}, None, staff_hidden(OK)),
    "courseapp:reviews_export": ("get", lambda f: {"slug": f.course.slug}, None, staff_hidden(OK)),
    "courseapp:reading_reviews_export": (
        "get",
        lambda f: {"slug": f.course.slug, "reading_id": f.own_slot.reading_id},
        None,
        staff_hidden(OK),
    ),
    "courseapp:reading_reviews": (
        "get",
        lambda f: {"slug": f.course.slug, "reading_id": f.slot_a.reading_id},
        None,
        staff_hidden(OK),
    ),
    "courseapp:student_reviews": (
        "get",
        lambda f: {"slug": f.course.slug, "user_id": f.users["student"].pk},
        None,
        staff_hidden(OK),
    ),
    # The reading list: anyone in the course exports it; staff import and curate it
    "courseapp:reading_export": (
        "get",
        lambda f: {"slug": f.course.slug, "format": "bib"},
        None,
        members_only(OK),
    ),
    "courseapp:reading_import": ("get", lambda f: {"slug": f.course.slug}, None, staff_only(OK)),
    "courseapp:reading_import_preview": (
        "get",
        lambda f: {"slug": f.course.slug, "import_id": f.reading_import.pk},
        None,
        staff_only(OK),
    ),
    "courseapp:reading_import_confirm": (
        "post",
        lambda f: {"slug": f.course.slug, "import_id": f.reading_import.pk},
        {},
        staff_only(REDIRECT),
    ),
    "courseapp:listing_row": (
        "get",
        lambda f: {"slug": f.course.slug, "listing_id": f.listing.pk},
        None,
        staff_only(OK),
    ),
    "courseapp:listing_edit": (
        "get",
        lambda f: {"slug": f.course.slug, "listing_id": f.listing.pk},
        None,
        staff_only(OK),
    ),
    "courseapp:listing_move": (
        "post",
        lambda f: {"slug": f.course.slug, "listing_id": f.listing.pk},
        {"direction": "down"},
        staff_only(REDIRECT),
    ),
    "courseapp:reading_merge": (
        "get",
        lambda f: {"slug": f.course.slug, "listing_id": f.listing.pk},
        {"q": "attention"},
        staff_only(OK),
    ),
    "courseapp:reading_delete": (
        "get",
        lambda f: {"slug": f.course.slug, "listing_id": f.listing.pk},
        None,
        staff_only(OK),
    ),
    # Grading: staff grade and see the gradebook; only the instructor edits rubrics and releases
    "courseapp:gradebook": ("get", lambda f: {"slug": f.course.slug}, None, staff_hidden(OK)),
    "courseapp:gradebook_export": ("get", lambda f: {"slug": f.course.slug}, None, staff_hidden(OK)),
    "courseapp:gradebook_chart": ("get", lambda f: {"slug": f.course.slug}, None, staff_hidden(OK)),
    "courseapp:release_change": (
        "post",
        lambda f: {"slug": f.course.slug},
        {"component": "presentation", "released": "yes"},
        instructor_only(REDIRECT),
    ),
    "courseapp:my_grades": ("get", lambda f: {"slug": f.course.slug}, None, student_only(OK)),
    "courseapp:student_grades": (
        "get",
        lambda f: {"slug": f.course.slug, "user_id": f.users["student"].pk},
        None,
        staff_hidden(OK),
    ),
    "courseapp:course_extensions": ("get", lambda f: {"slug": f.course.slug}, None, staff_only(OK)),
    "courseapp:student_extensions": (
        "get",
        lambda f: {"slug": f.course.slug, "user_id": f.users["student"].pk},
        None,
        staff_hidden(OK),
    ),
    # Accommodations are private: a TA sees the deadlines but cannot grant or withdraw them.
    "courseapp:extension_grant": (
        "post",
        lambda f: {"slug": f.course.slug, "user_id": f.users["student"].pk},
        {"scope": "course", "extra_hours": "24"},
        staff_hidden(REDIRECT) | {"ta": NOT_FOUND},
    ),
    "courseapp:extension_revoke": (
        "post",
        lambda f: {"slug": f.course.slug, "user_id": f.users["student"].pk, "extension_id": f.extension.pk},
        None,
        staff_hidden(REDIRECT) | {"ta": NOT_FOUND},
    ),
    "courseapp:score_save": (
        "post",
        lambda f: {"slug": f.course.slug},
        lambda f: {"criterion": f.exam_criterion.pk, "subject": "exam", "student": f.users["student"].pk, "points": 7},
        staff_hidden(REDIRECT),
    ),
    "courseapp:grade_slot": (
        "get",
        lambda f: {"slug": f.course.slug, "slot_id": f.own_slot.pk},
        None,
        staff_hidden(OK),
    ),
    "courseapp:grade_review": (
        "get",
        lambda f: {"slug": f.course.slug, "review_id": f.review.pk},
        None,
        staff_hidden(OK),
    ),
    "courseapp:rubrics": ("get", lambda f: {"slug": f.course.slug}, None, instructor_only(OK)),
    "courseapp:criterion_save": (
        "post",
        lambda f: {"slug": f.course.slug},
        {"component": "participation", "name": "Attendance", "max_points": "2"},
        instructor_only(REDIRECT),
    ),
    "courseapp:criterion_remove": (
        "post",
        lambda f: {"slug": f.course.slug, "criterion_id": f.exam_criterion.pk},
        {},
        instructor_only(REDIRECT),
    ),
    "courseapp:timer": (
        "get",
        lambda f: {"slug": f.course.slug, "slot_id": f.own_slot.pk},
        None,
        staff_hidden(OK),
    ),
    "courseapp:timer_record": (
        "post",
        lambda f: {"slug": f.course.slug, "slot_id": f.own_slot.pk},
        {"action": "start_talk"},
        staff_hidden(REDIRECT),
    ),
    # A student's own e-mail reminders
    "courseapp:reminders_set": ("post", lambda f: {"slug": f.course.slug}, {"on": "false"}, student_only(REDIRECT)),
    # The link check: staff's; to anyone else it does not exist
    "courseapp:links": ("get", lambda f: {"slug": f.course.slug}, None, staff_hidden(OK)),
    "courseapp:links_start": ("post", lambda f: {"slug": f.course.slug}, {}, staff_hidden(REDIRECT)),
    "courseapp:links_progress": ("get", lambda f: {"slug": f.course.slug}, None, staff_hidden(OK)),
    "courseapp:link_fix": (
        "post",
        lambda f: {"slug": f.course.slug, "reading_id": f.listing.reading_id},
        {},
        staff_hidden(REDIRECT),
    ),
    "courseapp:link_history": (
        "get",
        lambda f: {"slug": f.course.slug, "reading_id": f.listing.reading_id},
        None,
        staff_hidden(OK),
    ),
    # The final exam: staff run it, the instructor draws; students book their own slot, never see the paper
    "courseapp:exam": ("get", lambda f: {"slug": f.course.slug}, None, staff_hidden(OK)),
    "courseapp:exam_slots_make": ("post", lambda f: {"slug": f.course.slug}, {}, staff_hidden(REDIRECT)),
    "courseapp:exam_assign_all": ("post", lambda f: {"slug": f.course.slug}, {}, staff_hidden(REDIRECT)),
    "courseapp:quiz_draw": ("post", lambda f: {"slug": f.course.slug}, {"seed": "7"}, instructor_only(REDIRECT)),
    "courseapp:quiz_redraw": (
        "post",
        lambda f: {"slug": f.course.slug, "user_id": f.users["student"].pk},
        {"reason": "Was ill"},
        instructor_only(REDIRECT),
    ),
    "courseapp:run_sheet": ("get", lambda f: {"slug": f.course.slug}, None, staff_hidden(OK)),
    "courseapp:my_exam": ("get", lambda f: {"slug": f.course.slug}, None, student_only(OK)),
    "courseapp:exam_slot_book": (
        "post",
        lambda f: {"slug": f.course.slug, "slot_id": f.exam_slot.pk},
        {},
        student_only(REDIRECT),
    ),
    # A presenting pair's checklist: the pair and staff; to other students it does not exist
    "courseapp:presentation": (
        "get",
        lambda f: {"slug": f.course.slug, "slot_id": f.own_slot.pk},
        None,
        members_only(OK),
    ),
    "courseapp:one_on_one_book": (
        "post",
        lambda f: {"slug": f.course.slug, "slot_id": f.own_slot.pk},
        lambda f: {"time": f.free_time.pk},
        student_only(REDIRECT),
    ),
    "courseapp:slides_upload": (
        "post",
        lambda f: {"slug": f.course.slug, "slot_id": f.own_slot.pk},
        {"stage": "initial"},
        student_only(REDIRECT),
    ),
    "courseapp:slides_download": (
        "get",
        lambda f: {"slug": f.course.slug, "upload_id": f.slides.pk},
        None,
        members_only(OK),
    ),
    "courseapp:one_on_ones": ("get", lambda f: {"slug": f.course.slug}, None, staff_hidden(OK)),
    "courseapp:one_on_one_add": (
        "post",
        lambda f: {"slug": f.course.slug},
        {"first": "2024-10-07T10:00", "count": "2", "minutes": "30"},
        staff_hidden(REDIRECT),
    ),
    "courseapp:one_on_one_remove": (
        "post",
        lambda f: {"slug": f.course.slug, "time_id": f.free_time.pk},
        {},
        staff_hidden(REDIRECT),
    ),
    # Django's auth views
    "login": ("get", lambda f: {}, None, everyone(OK)),
    "logout": ("post", lambda f: {}, {}, everyone(REDIRECT)),
    "password_change": ("get", lambda f: {}, None, logged_in(OK)),
    "password_change_done": ("get", lambda f: {}, None, logged_in(OK)),
    "password_reset": ("get", lambda f: {}, None, everyone(OK)),
    "password_reset_done": ("get", lambda f: {}, None, everyone(OK)),
    "password_reset_confirm": ("get", lambda f: {"uidb64": "MQ", "token": "bad-token"}, None, everyone(OK)),
    "password_reset_complete": ("get", lambda f: {}, None, everyone(OK)),
    # A bad link says so to anyone; sending a link again needs an account.
    "email_confirm": ("get", lambda f: {"uidb64": "MQ", "token": "bad-token"}, None, everyone(400)),
    "email_confirmation_send": ("post", lambda f: {}, {}, logged_in(REDIRECT)),
}


# The POST side of pages that are also forms (MATRIX has their GET).
POSTS_TOO = {
    "courseapp:meeting_update": (
        lambda f: {"slug": f.course.slug, "meeting_id": f.meeting.pk},
        lambda f: {f"m{f.meeting.pk}-date": "2024-10-17", f"m{f.meeting.pk}-kind": "papers"},
        staff_only(REDIRECT),
    ),
    "courseapp:course_new": (
        lambda f: {},
        {
            "title": "Mine",
            "term": "Spring 2027",
            "first_day": "2027-01-05",
            "last_day": "2027-03-09",
            "weekdays": ["1"],
            "class_starts_at": "10:00",
            "class_ends_at": "11:30",
            "time_zone": "UTC",
        },
        logged_in(REDIRECT),
    ),
    "courseapp:course_copy": (
        lambda f: {"slug": f.course.slug},
        {"title": "Copy", "term": "Fall 2025", "slug": "copy-2025", "first_day": "2025-09-24"},
        instructor_only(REDIRECT),
    ),
    "courseapp:reading_import": (
        lambda f: {"slug": f.course.slug},
        {"text": "## Papers\n- [A](https://arxiv.org/abs/1706.03762)\n", "mode": "merge"},
        staff_only(REDIRECT),
    ),
    "courseapp:calendar_import": (
        lambda f: {"slug": f.course.slug},
        {"text": "2024-10-30 Extra meeting\n", "format": ""},
        staff_only(REDIRECT),
    ),
    "courseapp:listing_edit": (
        lambda f: {"slug": f.course.slug, "listing_id": f.listing.pk},
        lambda f: {"title": "Renamed", "kind": "paper", "url": "https://example.org/x"},
        staff_only(REDIRECT),
    ),
    "courseapp:reading_merge": (
        lambda f: {"slug": f.course.slug, "listing_id": f.listing.pk},
        lambda f: {"into": f.other_listing.reading_id},
        staff_only(REDIRECT),
    ),
    "courseapp:reading_delete": (
        lambda f: {"slug": f.course.slug, "listing_id": f.listing.pk},
        {},
        staff_only(REDIRECT),
    ),
}


def url_names(resolver: URLResolver, namespace: str = "") -> set[str]:
    names = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue  # Django's admin checks is_staff itself; see test_admin_is_for_staff_only
            child_namespace = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= url_names(pattern, child_namespace)
        elif isinstance(pattern, URLPattern):
            assert pattern.name, f"URL pattern {pattern.pattern} has no name, so it cannot be in the matrix"
            names.add(namespace + pattern.name)
    return names


def test_every_url_is_classified():
    assert url_names(get_resolver()) == set(MATRIX)


class Fixtures:
    def __init__(self, course, users, pending):
        self.course = course
        self.users = users
        self.pending = pending
        # A paper session: slot A presented by a classmate who invites the student, slot B
        # presented by one who proposes a swap, slot C empty; and a meeting with no agenda.
        self.meeting = MeetingFactory(course=course)
        self.empty_meeting = MeetingFactory(course=course)
        self.slot_a, self.slot_b, self.slot_c = (SlotFactory(meeting=self.meeting) for _ in range(3))
        self.presenter, swapper = (MembershipFactory(course=course).user for _ in range(2))
        self.presenter_signup = SignupFactory(slot=self.slot_a, student=self.presenter)
        SignupFactory(slot=self.slot_b, student=swapper)
        self.invitation = Invitation.objects.create(slot=self.slot_a, inviter=self.presenter, invitee=users["student"])
        self.swap = Swap.objects.create(
            proposer=swapper, proposer_slot=self.slot_b, partner=users["student"], partner_slot=self.slot_a
        )

        # Grading: the student presents a paper of their own, with slides, and has a submitted review.
        self.own_slot = SlotFactory(meeting=self.meeting)
        SignupFactory(slot=self.own_slot, student=users["student"])
        self.review = Review.objects.create(
            reading=self.own_slot.reading, student=users["student"], text="Mine.", submitted_at=timezone.now()
        )
        self.exam_criterion = course_rubrics(course)["final_exam"].criteria.get()
        self.free_time = OneOnOneTime.objects.create(course=course, starts_at=timezone.now())
        self.slides = SlideUpload(
            slot=self.own_slot, stage="initial", original_name="talk.pdf", size=5, uploaded_at=timezone.now()
        )
        self.slides.file.save("x.pdf", ContentFile(b"%PDF-"), save=True)
        self.exam_slot = ExamSlot.objects.create(course=course, starts_at=timezone.now(), minutes=5)
        # The reading list: two readings in a section, and an import waiting for its confirmation.
        self.listing, self.other_listing = ListingFactory.create_batch(2, section=SectionFactory(course=course))
        # Links that fail at once, without the network, when a role may start a link check.
        Reading.objects.filter(course=course).update(url="http://127.0.0.1:9/paper")
        self.reading_import = ReadingImport.objects.create(
            course=course, format="markdown", text="## Papers\n- [A](https://arxiv.org/abs/1706.03762)\n"
        )

        # A finished seat assignment run with one proposed seat.
        self.assignment_run = AssignmentRun.objects.create(course=course, seed=1, status="done")
        self.draft_seat = DraftSeat.objects.create(
            run=self.assignment_run, slot=self.slot_c, student=users["student"], role="commentator", seat=1
        )

        self.extension = Extension.objects.create(
            course=course,
            student=users["student"],
            scope="meeting",
            meeting=self.meeting,
            until=timezone.now() + datetime.timedelta(days=30),
            granted_at=timezone.now(),
        )
        self.calendar_import = CalendarImport.objects.create(
            course=course, format="text", text="2024-10-30 Basics of diffusion Pardo\n"
        )

    def users_membership(self, role):
        return Membership.objects.get(course=self.course, user=self.users[role])


@pytest.fixture
def world(course, applicant, student, other_student, ta, instructor):
    pending = MembershipFactory(course=course, status=Membership.Status.PENDING)
    users = {
        "anonymous": None,
        "applicant": applicant,
        "student": student,
        "other_student": other_student,
        "ta": ta,
        "instructor": instructor,
    }
    return Fixtures(course, users, pending)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_role_outcome(name, role, world, client_for):
    method, kwargs, data, outcomes = MATRIX[name]
    client = client_for(world.users[role])
    url = reverse(name, kwargs=kwargs(world))
    data = data(world) if callable(data) else data
    response = client.post(url, data) if method == "post" else client.get(url, data)
    expected = outcomes[role]
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login") + "?next=")
    else:
        assert response.status_code == expected, f"{role} on {name}"


# Tables a read may touch: the session (messages shown, a log-in) and the log-in throttle's records.
BOOKKEEPING = ("django_session", "axes_")


@pytest.mark.parametrize("role", ["anonymous", "student", "instructor"])
def test_no_page_writes_on_a_get(role, world, client_for):
    """A GET reads: nothing a page shows is made the first time someone looks (rubrics once were)."""
    client = client_for(world.users[role])
    for name, (method, kwargs, data, _) in MATRIX.items():
        if method != "get":
            continue
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse(name, kwargs=kwargs(world)), data(world) if callable(data) else data)
        writes = [
            q["sql"][:80]
            for q in queries.captured_queries
            if q["sql"].lstrip().startswith(("INSERT", "UPDATE", "DELETE"))
            and not any(t in q["sql"] for t in BOOKKEEPING)
        ]
        assert writes == [], f"{role} on {name}"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(POSTS_TOO))
def test_role_outcome_of_form_posts(name, role, world, client_for):
    kwargs, data, outcomes = POSTS_TOO[name]
    response = client_for(world.users[role]).post(
        reverse(name, kwargs=kwargs(world)), data(world) if callable(data) else data
    )
    if outcomes[role] == LOGIN:
        assert response.status_code == 302 and response["Location"].startswith(reverse("login") + "?next=")
    else:
        assert response.status_code == outcomes[role], f"{role} on {name}"


@pytest.mark.parametrize("role", ROLES)
def test_get_on_post_only_endpoints_is_refused(role, world, client_for):
    client = client_for(world.users[role])
    for name, (method, kwargs, _, _) in MATRIX.items():
        if method == "post" and name != "logout":
            assert client.get(reverse(name, kwargs=kwargs(world))).status_code == 405, name


def test_admin_is_for_staff_only(world, client_for, admin_user):
    for role in ROLES:
        response = client_for(world.users[role]).get(reverse("admin:index"))
        assert response.status_code == 302 and "/admin/login/" in response["Location"], role
    assert client_for(admin_user).get(reverse("admin:index")).status_code == 200


def test_unknown_course_is_404_for_everyone(world, client_for):
    for role in ROLES:
        assert client_for(world.users[role]).get("/courses/no-such-course/").status_code == 404


# Writes an archived course still takes: unarchiving it, copying it to a new term (which writes only the copy),
# and the writes of one's own account, which belong to no course.
ARCHIVED_OK = {
    "courseapp:course_archive",
    "courseapp:course_copy",
    "courseapp:course_new",
    "logout",
    "email_confirmation_send",
}


def snapshot() -> dict:
    """Every row of the app's tables (users without their last login, which logging in changes)."""
    rows = {}
    for model in apps.get_app_config("courseapp").get_models():
        fields = [f.attname for f in model._meta.concrete_fields if f.attname != "last_login"]
        rows[model.__name__] = sorted(map(repr, model.objects.values_list(*fields)))
    return rows


def _writes():
    for name, (method, kwargs, data, outcomes) in MATRIX.items():
        if method == "post" and name not in ARCHIVED_OK:
            yield name, kwargs, data, outcomes
    for name, (kwargs, data, outcomes) in POSTS_TOO.items():
        if name not in ARCHIVED_OK:
            yield name, kwargs, data, outcomes


@pytest.mark.parametrize("htmx", [False, True], ids=["form", "htmx"])
@pytest.mark.parametrize("role", ROLES)
def test_an_archived_course_refuses_every_write(role, htmx, world, client_for):
    Course.objects.filter(pk=world.course.pk).update(archived_at=timezone.now())
    client = client_for(world.users[role])
    headers = HTMX if htmx else {}
    before = snapshot()
    for name, kwargs, data, outcomes in _writes():
        url = reverse(name, kwargs=kwargs(world))
        response = client.post(url, data(world) if callable(data) else data, headers=headers)
        expected = outcomes[role]
        if expected in (OK, REDIRECT):
            assert response.status_code == (409 if htmx else 403), f"{role} on {name}"
            assert ARCHIVED_READ_ONLY in response.text
        elif expected == LOGIN:
            assert response.status_code in (302, 401), f"{role} on {name}"
        else:
            assert response.status_code == expected, f"{role} on {name}"
    assert snapshot() == before


def test_an_archived_course_can_be_read_copied_and_unarchived(world, client_for):
    Course.objects.filter(pk=world.course.pk).update(archived_at=timezone.now())
    client = client_for(world.users["instructor"])
    home = client.get(reverse("courseapp:course_home", args=[world.course.slug]))
    assert "This course is archived" in home.text
    copy = client.post(
        reverse("courseapp:course_copy", args=[world.course.slug]),
        {"title": "Again", "term": "Fall 2025", "slug": "again", "first_day": "2025-09-24"},
    )
    assert copy.status_code == 302 and Course.objects.get(slug="again").archived_at is None
    client.post(reverse("courseapp:course_archive", args=[world.course.slug]), {"archived": "false"})
    assert Course.objects.get(pk=world.course.pk).archived_at is None
