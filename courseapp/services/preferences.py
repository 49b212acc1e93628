"""The preference round: students rank papers, the app assigns the seats, the instructor publishes.

A student's ranking is saved on every change (a draft until it has enough choices). Once the
window closes, a run (a Celery task) builds the problem from the rankings and the free seats,
solves it (``courseapp.assignment``) and stores draft seats, which staff may move by hand under
the seat rules before publishing them as real seats in one transaction.
"""

import datetime
import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import ngettext

from .. import assignment
from ..models import AssignmentRun, Choice, Course, DraftSeat, Ranking, Signup, Slot, User
from ..models.preferences import list_owner
from ..selectors.preferences import assignment_problem, draft_figures
from .errors import ServiceError
from .notices import describe, notify
from .queue import later
from .signups import ROLE_NAMES, lock_student

RANKING_NOT_OPEN = "Ranking opens {when}."
RANKING_CLOSED = "Ranking closed {when}. Ask the instructor if you need a change."
RANKING_DONE = "Seats were assigned {when}: see yours on the schedule."
NOT_RANKED_MODE = "Sign-ups in this course are first come, first served: take a seat on the schedule."
NOT_A_PAPER = "Only papers that students present can be ranked."
ALREADY_LISTED = "“{title}” is on this list already."
MARKED_CONFLICT = "You marked “{title}” as a paper you must not get: take it off that list first."
NEEDS_REASON = "Say why you must not get this paper (only the instructor and TAs see it)."
NOT_LISTED = "That paper is not on this list."
NO_PAIRS = "Each paper has one presenter in this course, so there are no partners."
PARTNER_NOT_STUDENT = "{name} is not a student of this course."
PARTNER_TAKEN = "{name} already ranks with another partner."
STILL_OPEN = "Rankings are open until {when}: run the assignment once they close, or close them now in the settings."
NO_DEADLINE = "Set when rankings close (sign-ups close, in the settings) before running the assignment."
ALREADY_PUBLISHED = "Seats were published {when}; change them in the schedule editor."
NOT_READY = "This run has no assignment to {verb}: {status}."
SEAT_GONE = "Someone took a seat of “{title}” after the run: run the assignment again. Nothing was published."
MOVE_FULL = "All {role} seats of “{title}” are taken in this draft."
MOVE_SAME = "{name} already has a seat on “{title}” in this draft."
MOVE_CONFLICT = "{name} must not get “{title}”: {reason}"
MOVE_NOT_PAPER = "Nobody takes seats on “{title}”: it is not a paper presented by students."

ACTIONS = ("add", "up", "down", "remove")


# --- the window ----------------------------------------------------------------------------------


def published_run(course: Course) -> AssignmentRun | None:
    return course.assignment_runs.filter(status=AssignmentRun.Status.PUBLISHED).first()


def _published_when(course: Course, run: AssignmentRun) -> str:
    """When a published run was published, in the course's words ("Mon Oct 7, 3:04 PM")."""
    return course.when(run.published_at) if run.published_at else "already"


def ranking_window_error(
    course: Course, now: datetime.datetime, *, published: AssignmentRun | None = None
) -> str | None:
    """Why students cannot change their rankings now, or None while they can."""
    if not course.ranks_papers:
        return NOT_RANKED_MODE
    if published is not None:
        return RANKING_DONE.format(when=_published_when(course, published))
    if course.signup_opens_at and now < course.signup_opens_at:
        return RANKING_NOT_OPEN.format(when=course.when(course.signup_opens_at))
    if course.signup_closes_at and now >= course.signup_closes_at:
        return RANKING_CLOSED.format(when=course.when(course.signup_closes_at))
    return None


def _require_ranking_window(course: Course, now: datetime.datetime | None) -> None:
    if error := ranking_window_error(course, now or timezone.now(), published=published_run(course)):
        raise ServiceError(error, code="window_closed")


# --- rankings ------------------------------------------------------------------------------------


def _lock_rankings(course: Course, *students: User) -> dict[int, Ranking]:
    """Each student's ranking (made if missing), locked, in user-id order so pairs never deadlock."""
    for student in students:
        Ranking.objects.get_or_create(course=course, student=student)
    locked = Ranking.objects.select_for_update().filter(course=course, student__in=students).order_by("student_id")
    return {ranking.student_id: ranking for ranking in locked}


def pair_lead(course: Course, ranking: Ranking) -> Ranking | None:
    """The ranking that holds a mutual pair's papers to present, or None when there is no pair."""
    if ranking.partner_id is None:
        return None
    other = Ranking.objects.filter(course=course, student_id=ranking.partner_id).first()
    partner_of = {ranking.student_id: ranking.partner_id, ranking.partner_id: other.partner_id if other else None}
    owner = list_owner(ranking.student_id, partner_of)
    if owner == ranking.student_id and partner_of[ranking.partner_id] != ranking.student_id:
        return None  # not a pair: the partner has not named this student back
    return ranking if owner == ranking.student_id else other


def _paper(course: Course, slot_id: int) -> Slot:
    slot = Slot.objects.select_related("reading").filter(pk=slot_id, meeting__course=course).first()
    if slot is None:
        raise Slot.DoesNotExist
    if not slot.has_seats:
        raise ServiceError(NOT_A_PAPER, code="not_a_paper")
    return slot


def _listed(ranking: Ranking, kind: str) -> list[Choice]:
    return list(ranking.choices.filter(kind=kind).order_by("rank"))


def _rewrite(ranking: Ranking, kind: str, choices: list[Choice]) -> None:
    """Store a list in its new order: numbered 1, 2, ... (the ranking row is locked by the caller)."""
    ranking.choices.filter(kind=kind).delete()
    Choice.objects.bulk_create(
        Choice(ranking=ranking, kind=kind, slot_id=choice.slot_id, rank=rank, reason=choice.reason)
        for rank, choice in enumerate(choices, 1)
    )


def _mark_complete(course: Course, rankings: list[Ranking], now: datetime.datetime) -> None:
    """Record when a ranking first had enough choices: the order first come would have served."""
    for ranking in rankings:
        if ranking.completed_at is not None:
            continue
        lead = pair_lead(course, ranking) or ranking
        present = lead.choices.filter(kind=Choice.Kind.PRESENT).count()
        comment = ranking.choices.filter(kind=Choice.Kind.COMMENT).count()
        if course.ranking_is_complete(present, comment):
            ranking.completed_at = now
            ranking.save(update_fields=["completed_at", "updated_at"])


def ranking_change(
    *,
    course: Course,
    student: User,
    kind: str,
    action: str,
    slot_id: int,
    reason: str = "",
    now: datetime.datetime | None = None,
) -> Ranking:
    """Add a paper to one of the student's lists, move it up or down, or take it off; saved at once."""
    now = now or timezone.now()
    with transaction.atomic():
        lock_student(course, student)
        _require_ranking_window(course, now)
        slot = _paper(course, slot_id)
        # Lock the partner's ranking too (in user-id order): a pair's papers to present are one list.
        partner = Ranking.objects.filter(course=course, student=student).values_list("partner", flat=True).first()
        rankings = _lock_rankings(course, student, *User.objects.filter(pk__in=[partner] if partner else []))
        mine = rankings[student.pk]
        owner = mine
        if kind == Choice.Kind.PRESENT and (lead := pair_lead(course, mine)) is not None:
            owner = rankings[lead.student_id]
        listed = _listed(owner, kind)
        at = next((i for i, choice in enumerate(listed) if choice.slot_id == slot.pk), None)
        title = slot.display_title
        if action == "add":
            if at is not None:
                raise ServiceError(ALREADY_LISTED.format(title=title), code="listed")
            reason = reason.strip()
            if kind == Choice.Kind.AVOID:
                if not reason:
                    raise ServiceError(NEEDS_REASON, code="needs_reason")
                # A conflict takes the paper off the student's other lists.
                mine.choices.filter(slot=slot).exclude(kind=Choice.Kind.AVOID).delete()
                for other in (Choice.Kind.PRESENT, Choice.Kind.COMMENT):
                    _rewrite(mine, other, _listed(mine, other))
            elif mine.choices.filter(kind=Choice.Kind.AVOID, slot=slot).exists():
                raise ServiceError(MARKED_CONFLICT.format(title=title), code="conflict")
            listed.append(Choice(slot=slot, reason=reason[:300] if kind == Choice.Kind.AVOID else ""))
        elif at is None:
            raise ServiceError(NOT_LISTED, code="not_listed")
        elif action == "remove":
            listed.pop(at)
        elif action in ("up", "down"):
            to = at - 1 if action == "up" else at + 1
            if 0 <= to < len(listed):
                listed[at], listed[to] = listed[to], listed[at]
        _rewrite(owner, kind, listed)
        mine.save(update_fields=["updated_at"])
        _mark_complete(course, [mine] if owner is mine else [mine, owner], now)
        return mine


def partner_set(
    *, course: Course, student: User, partner: User | None, now: datetime.datetime | None = None
) -> Ranking:
    """Name the classmate to present with (or nobody). The pair ranks together once both name each other.

    While paired, the pair's papers to present are one list (see ``Ranking``); a new pair keeps
    the list of whoever had made one, and a pair that parts leaves each partner a copy.
    """
    now = now or timezone.now()
    if course.seats_for(Signup.Role.PRESENTER) < 2:
        raise ServiceError(NO_PAIRS, code="no_pairs")
    with transaction.atomic():
        lock_student(course, student)
        _require_ranking_window(course, now)
        if partner is not None:
            if partner.pk == student.pk:
                raise ServiceError("Choose a classmate, not yourself.", code="self")
            lock_student(course, partner, message=PARTNER_NOT_STUDENT)
        people = [student] + ([partner] if partner else [])
        current = Ranking.objects.filter(course=course, student=student).values_list("partner_id", flat=True).first()
        if current and current not in [p.pk for p in people]:
            people.append(User.objects.get(pk=current))
        rankings = _lock_rankings(course, *people)
        mine = rankings[student.pk]
        if partner is not None and partner.pk == mine.partner_id:
            return mine
        theirs = rankings.get(partner.pk) if partner else None
        if partner and theirs is not None and theirs.partner_id not in (None, student.pk) and pair_lead(course, theirs):
            raise ServiceError(PARTNER_TAKEN.format(name=partner.display_name), code="partner_taken")
        # Parting: the other keeps a copy of the list.
        if (lead := pair_lead(course, mine)) is not None and mine.partner_id is not None:
            other = rankings[mine.partner_id] if lead is mine else mine
            _rewrite(other, Choice.Kind.PRESENT, _listed(lead, Choice.Kind.PRESENT))
        mine.partner = partner
        mine.save(update_fields=["partner", "updated_at"])
        if partner is not None and (lead := pair_lead(course, mine)) is not None:
            other = rankings[partner.pk] if lead is mine else mine
            if not lead.choices.filter(kind=Choice.Kind.PRESENT).exists():
                _rewrite(lead, Choice.Kind.PRESENT, _listed(other, Choice.Kind.PRESENT))
            other.choices.filter(kind=Choice.Kind.PRESENT).delete()
            notify(course, partner, f"{student.display_name} named you back: you now rank the papers together.")
        elif partner is not None:
            notify(
                course,
                partner,
                f"{student.display_name} would like to present with you: name them as your partner on the "
                "ranking page to rank together.",
            )
        _mark_complete(course, list(rankings.values()), now)
        return mine


# --- runs ----------------------------------------------------------------------------------------


def assignment_start(
    *,
    course: Course,
    by: User | None,
    seed: int | None = None,
    now: datetime.datetime | None = None,
    queue: bool = True,
) -> tuple[AssignmentRun, bool]:
    """Queue a run (the task solves it); a run already going is returned instead of a second one.

    ``queue=False`` leaves the run for the caller to solve with ``assignment_run`` (the command does).
    """

    now = now or timezone.now()
    if not course.ranks_papers:
        raise ServiceError(NOT_RANKED_MODE, code="first_come")
    if course.signup_closes_at is None:
        raise ServiceError(NO_DEADLINE, code="no_deadline")
    if now < course.signup_closes_at:
        raise ServiceError(STILL_OPEN.format(when=course.when(course.signup_closes_at)), code="still_open")
    with transaction.atomic():
        Course.objects.select_for_update().get(pk=course.pk)
        if (published := published_run(course)) is not None:
            raise ServiceError(ALREADY_PUBLISHED.format(when=_published_when(course, published)), code="published")
        working = course.assignment_runs.filter(status__in=[AssignmentRun.Status.QUEUED, AssignmentRun.Status.RUNNING])
        if (run := working.first()) is not None:
            return run, False
        course.assignment_runs.filter(status__in=[AssignmentRun.Status.DONE, AssignmentRun.Status.FAILED]).update(
            status=AssignmentRun.Status.SUPERSEDED
        )
        run = AssignmentRun.objects.create(
            course=course, seed=secrets.randbelow(2**31) if seed is None else seed, created_by=by
        )
        if queue:
            later("assign_seats", run.pk)
        return run, True


def _progress(run: AssignmentRun, step: str) -> None:
    # Outside the run's transaction, so the page polling it sees each step.
    AssignmentRun.objects.filter(pk=run.pk).update(progress=step)


def assignment_run(*, run_id: int) -> AssignmentRun:
    """Solve a queued run and store its draft seats (idempotent: a redelivered run does nothing)."""
    claimed = AssignmentRun.objects.filter(pk=run_id, status=AssignmentRun.Status.QUEUED).update(
        status=AssignmentRun.Status.RUNNING, progress="Reading the rankings"
    )
    run = AssignmentRun.objects.select_related("course").get(pk=run_id)
    if not claimed:
        return run
    course = run.course
    problem, context = assignment_problem(course)
    try:
        result = assignment.solve(
            problem, seed=run.seed, names=context["names"], progress=lambda step: _progress(run, step)
        )
    except assignment.Infeasible as infeasible:
        run.status, run.problems, run.finished_at = AssignmentRun.Status.FAILED, infeasible.reasons, timezone.now()
        run.progress = ""
        run.save(update_fields=["status", "problems", "finished_at", "progress"])
        return run
    _progress(run, "Comparing with a lottery and with first come")
    run.summary = {
        "optimal": assignment.summarise(problem, result),
        "lottery": assignment.summarise(problem, assignment.lottery(problem, seed=run.seed)),
        "first_come": assignment.summarise(
            problem,
            assignment.serial_dictatorship(
                problem,
                context["first_come"],
                [problem.commentators[c].id for c in _commentator_order(problem, context["first_come"])],
            ),
        ),
    }
    with transaction.atomic():
        DraftSeat.objects.bulk_create(_draft_seats(run, problem, result, context))
        run.status, run.progress, run.finished_at = AssignmentRun.Status.DONE, "", timezone.now()
        run.save(update_fields=["status", "progress", "finished_at", "summary"])
    return run


def _commentator_order(problem: assignment.Problem, unit_order: list[int]) -> list[int]:
    """Commentators in the order of their units (first come for commentaries too)."""
    position = {m: i for i, u in enumerate(unit_order) for m in problem.units[u].members}
    indices = range(len(problem.commentators))
    return sorted(indices, key=lambda c: (position.get(problem.commentators[c].id, len(position)), c))


def _draft_seats(run, problem, result, context) -> list[DraftSeat]:
    taken: dict[tuple[int, str], set[int]] = {}
    for slot_id, role, number in context["signup_seats"]:
        taken.setdefault((slot_id, role), set()).add(number)

    def seat(slot_id: int, role: str) -> int:
        numbers = taken.setdefault((slot_id, role), set())
        number = next(n for n in range(1, len(numbers) + 2) if n not in numbers)
        numbers.add(number)
        return number

    wanted = [
        (slot_id, member, Signup.Role.PRESENTER)
        for u, papers in result.presenting.items()
        for slot_id in papers
        for member in problem.units[u].members
    ] + [
        (slot_id, student_id, Signup.Role.COMMENTATOR)
        for student_id, papers in result.commenting.items()
        for slot_id in papers
    ]
    return [
        DraftSeat(run=run, slot_id=slot_id, student_id=student_id, role=role, seat=seat(slot_id, role))
        for slot_id, student_id, role in wanted
    ]


def _lock_run(course: Course, run_id: int, verb: str) -> AssignmentRun:
    run = AssignmentRun.objects.select_for_update().get(pk=run_id, course=course)
    if run.status != AssignmentRun.Status.DONE:
        raise ServiceError(NOT_READY.format(verb=verb, status=run.get_status_display().lower()), code="not_ready")
    return run


def draft_move(*, course: Course, run_id: int, draft_id: int, to_slot_id: int, by: User) -> DraftSeat:
    """Move one proposed seat to another paper, under the seat rules (and the student's conflicts)."""
    with transaction.atomic():
        run = _lock_run(course, run_id, "change")
        draft = DraftSeat.objects.select_related("student").get(pk=draft_id, run=run)
        target = Slot.objects.select_related("reading").get(pk=to_slot_id, meeting__course=course)
        name, title = draft.student.display_name, target.display_title
        if not target.has_seats:
            raise ServiceError(MOVE_NOT_PAPER.format(title=title), code="no_seats")
        if run.seats.filter(slot=target, student=draft.student).exclude(pk=draft.pk).exists() or (
            Signup.objects.filter(slot=target, student=draft.student).exists()
        ):
            raise ServiceError(MOVE_SAME.format(name=name, title=title), code="already_in_slot")
        conflict = Choice.objects.filter(
            ranking__course=course, ranking__student=draft.student, kind=Choice.Kind.AVOID, slot=target
        ).first()
        if conflict is not None:
            raise ServiceError(MOVE_CONFLICT.format(name=name, title=title, reason=conflict.reason), code="conflict")
        capacity = course.seats_for(draft.role)
        used = set(run.seats.filter(slot=target, role=draft.role).values_list("seat", flat=True))
        used |= set(Signup.objects.filter(slot=target, role=draft.role).values_list("seat", flat=True))
        free = [n for n in range(1, capacity + 1) if n not in used]
        if not free:
            raise ServiceError(MOVE_FULL.format(role=ROLE_NAMES[draft.role], title=title), code="seats_full")
        draft.slot, draft.seat, draft.moved_by = target, free[0], by
        try:
            with transaction.atomic():
                draft.save(update_fields=["slot", "seat", "moved_by"])
        except IntegrityError:  # two moves into the last seat at once
            raise ServiceError(MOVE_FULL.format(role=ROLE_NAMES[draft.role], title=title), code="seats_full") from None
        return draft


def published_said(seats: int) -> str:
    """What publishing tells the instructor, on the page and from ``assign_seats``."""
    return ngettext(
        "Published %(n)d seat; every student was told theirs.",
        "Published %(n)d seats; every student was told theirs.",
        seats,
    ) % {"n": seats}


def assignment_publish(*, course: Course, run_id: int, by: User | None, now: datetime.datetime | None = None) -> int:
    """Make a run's draft the course's seats, all at once or not at all; each student is told theirs."""
    now = now or timezone.now()
    with transaction.atomic():
        Course.objects.select_for_update().get(pk=course.pk)
        run = _lock_run(course, run_id, "publish")
        # Lock the papers' slots, as every seat change does, so nobody takes a seat meanwhile.
        list(Slot.objects.select_for_update().filter(meeting__course=course, kind=Slot.Kind.PAPER).order_by("pk"))
        drafts = list(run.seats.select_related("slot__reading", "slot__meeting", "student"))
        problem, _ = assignment_problem(course)
        run.summary = run.summary | {"published": draft_figures(problem, drafts)}  # as moved by hand
        for draft in drafts:
            try:
                with transaction.atomic():
                    Signup.objects.create(slot=draft.slot, student=draft.student, role=draft.role, seat=draft.seat)
            except IntegrityError:
                raise ServiceError(SEAT_GONE.format(title=draft.slot.display_title), code="seat_gone") from None
        run.status, run.published_at = AssignmentRun.Status.PUBLISHED, now
        run.save(update_fields=["status", "published_at", "summary"])
        by_student: dict[int, list[DraftSeat]] = {}
        for draft in drafts:
            by_student.setdefault(draft.student_id, []).append(draft)
        for seats in by_student.values():
            notify(course, seats[0].student, _seats_message(seats))
        return len(drafts)


def _seats_message(seats: list[DraftSeat]) -> str:
    present = [describe(d.slot) for d in seats if d.role == Signup.Role.PRESENTER]
    comment = [describe(d.slot) for d in seats if d.role == Signup.Role.COMMENTATOR]
    parts = []
    if present:
        parts.append(f"you present {' and '.join(present)}")
    if comment:
        parts.append(f"you comment on {' and '.join(comment)}")
    return f"Seats are assigned from the rankings: {'; '.join(parts)}. The ranking page says why, if you ask."[:500]
