"""E-mail to students: reminders of what is due soon, and word of changes to their seats.

Each goes once (services/mail.py); a student who turned reminders off gets none.
"""

import datetime
from collections import defaultdict

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from ..models import Course, Membership, Notice, Reading, Review, SentMail, Signup, SlideUpload, Slot, User
from ..selectors import presented_reading_ids, submitted_reviews, tally_reviews
from ..selectors.extensions import Extensions
from ..selectors.presentations import presentation_deadlines
from .mail import mail_once

Kind = SentMail.Kind
DAY = datetime.timedelta(days=1)


def send_once(*, course: Course, user: User, kind: str, key: str, subject: str, lines: list[str], link: str) -> bool:
    """Send this message unless it went out before or the student turned reminders off."""
    with transaction.atomic():
        membership = (
            Membership.objects.select_for_update()
            .filter(course=course, user=user, status=Membership.Status.ACTIVE)
            .first()
        )
        if membership is None or not membership.reminders:
            return False
        return _reminder_mail(course=course, user=user, kind=kind, key=key, subject=subject, lines=lines, link=link)


def _reminder_mail(
    *, course: Course, user: User, kind: str, key: str, subject: str, lines: list[str], link: str
) -> bool:
    """A reminder's lines and link in the reminder e-mail, sent once, in the caller's transaction."""
    body = render_to_string(
        "courseapp/email/reminder.txt",
        {
            "user": user,
            "course": course,
            "lines": lines,
            "link": settings.SITE_URL + link,
            "settings_link": settings.SITE_URL + reverse("courseapp:course_home", args=[course.slug]) + "#reminders",
        },
    )
    return mail_once(course=course, user=user, kind=kind, key=key, subject=subject, body=body)


def join_request_notify(*, membership_id: int) -> int:
    """Tell the course's instructors that someone asked to join; once per request."""
    membership = Membership.objects.select_related("course", "user").filter(pk=membership_id).first()
    if membership is None or membership.status != Membership.Status.PENDING:
        return 0
    course, applicant = membership.course, membership.user
    lines = [f"{applicant.display_name} ({applicant.email}) asked to join {course.title}."]
    if membership.request_note:
        lines.append(f"Their note: {membership.request_note}")
    sent = 0
    with transaction.atomic():
        instructors = Membership.objects.select_related("user").filter(
            course=course, role=Membership.Role.INSTRUCTOR, status=Membership.Status.ACTIVE
        )
        for instructor in instructors:
            sent += _reminder_mail(
                course=course,
                user=instructor.user,
                kind=Kind.JOIN_REQUEST,
                key=f"{membership.pk}:{membership.requested_at.timestamp():.0f}",
                subject=f"{applicant.display_name} asked to join",
                lines=lines,
                link=reverse("courseapp:members", args=[course.slug]),
            )
    return sent


def decision_notify(*, membership_id: int) -> bool:
    """Tell a student that the instructor admitted or declined them; once per decision."""
    membership = Membership.objects.select_related("course", "user").filter(pk=membership_id).first()
    if membership is None or membership.decided_at is None:
        return False
    course = membership.course
    admitted = membership.status == Membership.Status.ACTIVE
    if not admitted and membership.status != Membership.Status.DECLINED:
        return False
    with transaction.atomic():
        return _reminder_mail(
            course=course,
            user=membership.user,
            kind=Kind.ADMISSION,
            key=f"{membership.pk}:{membership.decided_at.timestamp():.0f}",
            subject="You are admitted" if admitted else "Your request to join was declined",
            lines=[
                f"The instructor admitted you to {course.title} ({course.term}). Sign up for papers on the schedule."
                if admitted
                else f"The instructor declined your request to join {course.title} ({course.term}). "
                "You may ask again with a new note from the course page."
            ],
            link=reverse("courseapp:schedule" if admitted else "courseapp:course_home", args=[course.slug]),
        )


def notice_send(*, notice_id: int) -> bool:
    """A change to a student's seats (a waitlist promotion, a swap, staff moving them), by e-mail too."""
    notice = Notice.objects.select_related("course", "user").filter(pk=notice_id).first()
    if notice is None:
        return False
    return send_once(
        course=notice.course,
        user=notice.user,
        kind=Kind.NOTICE,
        key=str(notice.pk),
        subject="A change to your seats",
        lines=[notice.message],
        link=reverse("courseapp:schedule", args=[notice.course.slug]),
    )


def signup_confirmation_send(*, signup_id: int) -> bool:
    """Confirm a seat the student took (or accepted an invitation to)."""
    signup = (
        Signup.objects.select_related("student", "slot__meeting__course", "slot__reading").filter(pk=signup_id).first()
    )
    if signup is None:
        return False
    slot, course = signup.slot, signup.slot.meeting.course
    role = "present" if signup.role == Signup.Role.PRESENTER else "comment on"
    lines = [f"You {role} “{slot.display_title}” on {course.when(slot.meeting.starts())}."]
    if signup.role == Signup.Role.PRESENTER:
        due = presentation_deadlines(course, slot)
        lines.append(f"Book your 1-on-1 with the instructor by {course.when(due['book'])}; bring initial slides to it.")
    return send_once(
        course=course,
        user=signup.student,
        kind=Kind.SIGNUP,
        key=str(signup.pk),
        subject=f"You {role} “{slot.display_title}”",
        lines=lines,
        link=reverse("courseapp:schedule", args=[course.slug]) + f"#meeting-{slot.meeting_id}",
    )


def reminders_send(*, now: datetime.datetime | None = None) -> int:
    """Send every reminder that is due and was not sent; run hourly by celery beat."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    sent = 0
    courses = Course.objects.filter(
        term_starts_on__lte=today + DAY, term_ends_on__gte=today - 14 * DAY, archived_at__isnull=True
    )
    for course in courses:
        for message in due_reminders(course, now):
            sent += send_once(course=course, **message)
    return sent


def due_reminders(course: Course, now: datetime.datetime) -> list[dict]:
    """What each student should hear about now: the day before a meeting or a deadline."""
    extended = Extensions.load(course)
    # Meetings of the last ten days (final slides come after the talk), further back by anyone's extension.
    since = (now - 10 * DAY - extended.most_extra).date()
    slots = list(
        Slot.objects.filter(Q(meeting__date__gte=since) | Q(meeting__in=extended.meetings), meeting__course=course)
        .select_related("meeting__course", "reading", "one_on_one")
        .prefetch_related("signups__student")
    )
    uploaded = set(SlideUpload.objects.filter(slot__in=slots).values_list("slot_id", "stage"))
    messages = []
    by_meeting: dict[int, list[Slot]] = defaultdict(list)
    for slot in slots:
        by_meeting[slot.meeting_id].append(slot)
        messages += _presenter_reminders(course, slot, now, uploaded, extended)
        if now < slot.meeting.starts() <= now + DAY:
            messages += [
                {
                    "user": signup.student,
                    "kind": Kind.COMMENTARY,
                    "key": str(slot.pk),
                    "subject": f"You comment on “{slot.display_title}” tomorrow",
                    "lines": [
                        f"You are a commentator on “{slot.display_title}” at the meeting of "
                        f"{course.when(slot.meeting.starts())}. Read it closely and come with questions."
                    ],
                    "link": reverse("courseapp:schedule", args=[course.slug]) + f"#meeting-{slot.meeting_id}",
                }
                for signup in slot.signups.all()
                if signup.role == Signup.Role.COMMENTATOR
            ]
    for meeting_slots in by_meeting.values():
        messages += _review_reminders(course, meeting_slots, now, extended)
    return messages


def _key(pk: int, due: datetime.datetime, usual: datetime.datetime) -> str:
    """A reminder's key: the thing, and the deadline when an extension moved it (a new deadline, a new reminder)."""
    return str(pk) if due == usual else f"{pk}@{due:%Y%m%d%H%M}"


def _presenter_reminders(
    course: Course, slot: Slot, now: datetime.datetime, uploaded: set, extended: Extensions
) -> list[dict]:
    presenters = [signup.student for signup in slot.signups.all() if signup.role == Signup.Role.PRESENTER]
    if not presenters:
        return []
    due = presentation_deadlines(course, slot, extended, presenters=[student.pk for student in presenters])
    usual = presentation_deadlines(course, slot, Extensions(), presenters=[])
    keys = {step: _key(slot.pk, due[step], usual[step]) for step in ("book", "initial", "final")}
    checklist = reverse("courseapp:presentation", args=[course.slug, slot.pk])
    title = slot.display_title
    wanted = []
    if not hasattr(slot, "one_on_one") and now < due["book"] <= now + 2 * DAY:
        wanted.append(
            (
                Kind.ONE_ON_ONE,
                "book",
                "Book your 1-on-1",
                f"Book your 1-on-1 about “{title}” by {course.when(due['book'])}.",
            )
        )
    if (slot.pk, SlideUpload.Stage.INITIAL) not in uploaded and now < due["initial"] <= now + DAY:
        wanted.append(
            (
                Kind.INITIAL_SLIDES,
                "initial",
                "Initial slides due",
                f"Your initial slides for “{title}” are due at {course.when(due['initial'])}.",
            )
        )
    if (slot.pk, SlideUpload.Stage.FINAL) not in uploaded and due["talk"] < now and now < due["final"] <= now + 2 * DAY:
        wanted.append(
            (
                Kind.FINAL_SLIDES,
                "final",
                "Final slides due",
                f"Your final slides for “{title}” are due by {course.when(due['final'])}.",
            )
        )
    return [
        {"user": user, "kind": kind, "key": keys[step], "subject": subject, "lines": [line], "link": checklist}
        for kind, step, subject, line in wanted
        for user in presenters
    ]


def _review_reminders(course: Course, slots: list[Slot], now: datetime.datetime, extended: Extensions) -> list[dict]:
    """Students who still need scheduled-paper reviews, have not reviewed this meeting's papers and
    have one due within the day: when the meeting starts, or later by their extension."""
    meeting = slots[0].meeting
    papers = [slot.reading for slot in slots if slot.reading and slot.reading.kind == Reading.Kind.PAPER]
    if not papers:
        return []
    starts = meeting.starts()

    def due_for(student_id: int) -> datetime.datetime:
        return max(extended.review_due(student_id, paper.pk, starts) for paper in papers)

    soon = now < starts <= now + DAY
    if not soon and not any(now < due_for(student) <= now + DAY for student in extended.students):
        return []
    # What is left, counted as My reviews counts it: the course's rule through its one tally.
    presented = presented_reading_ids(course)
    scheduled_counts = {
        student_id: tally_reviews(course, reviews, presented).scheduled_papers
        for student_id, reviews in submitted_reviews(course).items()
    }
    submitted = Review.objects.filter(reading__course=course, submitted_at__isnull=False)
    reviewed = set(submitted.filter(reading__in=papers).values_list("student_id", flat=True))
    presenting = {signup.student_id for slot in slots for signup in slot.signups.all()}
    students = Membership.objects.active_students().filter(course=course).select_related("user")
    titles = ", ".join(f"“{paper.title}”" for paper in papers)
    link = reverse("courseapp:my_reviews", args=[course.slug])
    when = date_format(starts, "l, g:i A")
    messages = []
    for membership in students:
        due = due_for(membership.user_id)
        left = course.scheduled_paper_reviews_required - scheduled_counts.get(membership.user_id, 0)
        if not (now < due <= now + DAY) or membership.user_id in reviewed or membership.user_id in presenting:
            continue
        if left <= 0:
            continue
        if due == starts:
            subject = "Reviews due at tomorrow's meeting"
            first = f"Tomorrow's meeting ({when}) discusses {titles}; a review of one of them is due when it starts."
        else:
            subject = "Your extended review deadline is tomorrow"
            first = f"With your extension, a review of {titles} is due {course.when(due)}."
        messages.append(
            {
                "user": membership.user,
                "kind": Kind.REVIEWS_DUE,
                "key": _key(meeting.pk, due, starts),
                "subject": subject,
                "lines": [
                    first,
                    f"You have {left} more review{'s' if left != 1 else ''} of scheduled papers to write this term.",
                ],
                "link": link,
            }
        )
    return messages
