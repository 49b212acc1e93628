"""Reads for the preference round: a student's ranking page, the problem a run solves, its preview."""

import dataclasses
import datetime

from django.db.models import Count, Q

from .. import assignment
from ..models import AssignmentRun, Choice, Course, DraftSeat, Ranking, Signup, Slot, User
from ..models.preferences import list_owner
from . import course_students


def assignment_problem(course: Course) -> tuple[assignment.Problem, dict]:
    """The assignment problem of the course as it is now, and what the run needs to store and explain it.

    Seats taken before the run (staff may have placed someone) are not free, and whoever holds
    them needs that many fewer.
    """
    students = list(course_students(course))
    ids = {student.pk for student in students}
    slots = list(Slot.objects.filter(meeting__course=course, kind=Slot.Kind.PAPER).select_related("meeting"))
    taken = list(Signup.objects.filter(slot__in=slots).values_list("slot_id", "student_id", "role"))
    used = {(slot, role): 0 for slot in (s.pk for s in slots) for role in Signup.Role.values}
    presents: dict[int, set[int]] = {}
    comments: dict[int, int] = {}
    for slot_id, student_id, role in taken:
        used[slot_id, role] += 1
        if role == Signup.Role.PRESENTER:
            presents.setdefault(student_id, set()).add(slot_id)
        else:
            comments[student_id] = comments.get(student_id, 0) + 1
    papers = tuple(
        assignment.Paper(
            id=slot.pk,
            meeting=slot.meeting_id,
            presenter_seats=max(course.seats_for(Signup.Role.PRESENTER) - used[slot.pk, Signup.Role.PRESENTER], 0),
            commentator_seats=max(
                course.seats_for(Signup.Role.COMMENTATOR) - used[slot.pk, Signup.Role.COMMENTATOR], 0
            ),
        )
        for slot in slots
    )
    paper_ids = {paper.id for paper in papers}
    rankings = {r.student_id: r for r in Ranking.objects.filter(course=course, student_id__in=ids)}
    partner_of = {student_id: ranking.partner_id for student_id, ranking in rankings.items()}
    lists: dict[tuple[int, str], list[int]] = {}
    reasons: dict[tuple[int, int], str] = {}
    for student_id, kind, slot_id, reason in (
        Choice.objects.filter(ranking__in=rankings.values(), slot_id__in=paper_ids)
        .order_by("rank")
        .values_list("ranking__student_id", "kind", "slot_id", "reason")
    ):
        lists.setdefault((student_id, kind), []).append(slot_id)
        if kind == Choice.Kind.AVOID:
            reasons[student_id, slot_id] = reason

    def conflicts(*members: int) -> frozenset[int]:
        return frozenset(s for m in members for s in lists.get((m, Choice.Kind.AVOID), []))

    need = course.presentations_per_student
    units: list[assignment.Unit] = []
    order: list[datetime.datetime | None] = []
    seen: set[int] = set()
    for student in students:
        if student.pk in seen or len(presents.get(student.pk, ())) >= need:
            continue
        ranking = rankings.get(student.pk)
        partner = ranking.partner_id if ranking else None
        members: tuple[int, ...] = (student.pk,)
        if (
            partner is not None
            and partner in ids
            and partner not in seen
            and partner_of.get(partner) == student.pk
            and not (presents.get(partner) or presents.get(student.pk))
        ):  # named back, and neither presents yet
            members = tuple(sorted((student.pk, partner)))
        seen.update(members)
        ranked_at = [rankings[m].completed_at or rankings[m].updated_at for m in members if m in rankings]
        order.append(min(ranked_at) if ranked_at else None)
        units.append(
            assignment.Unit(
                members=members,
                ranks=tuple(lists.get((list_owner(student.pk, partner_of), Choice.Kind.PRESENT), [])),
                conflicts=conflicts(*members),
                presentations=need - len(presents.get(student.pk, ())),
            )
        )
    commentators = tuple(
        assignment.Commentator(
            id=student.pk,
            ranks=tuple(lists.get((student.pk, Choice.Kind.COMMENT), [])),
            conflicts=conflicts(student.pk),
            commentaries=max(course.commentaries_per_student - comments.get(student.pk, 0), 0),
            presents=frozenset(presents.get(student.pk, ())),
        )
        for student in students
    )
    # First come: in the order rankings were complete (those who never ranked last, by name).
    never = datetime.datetime.max.replace(tzinfo=datetime.UTC)
    first_come = sorted(range(len(units)), key=lambda u: (order[u] or never, u))
    context = {
        "names": {student.pk: student.display_name for student in students},
        "first_come": first_come,
        "reasons": reasons,
        "lists": lists,
        "rankings": rankings,
        "taken": {(slot, role): used[slot, role] for slot, role in used},
        "signup_seats": list(Signup.objects.filter(slot__in=slots).values_list("slot_id", "role", "seat")),
    }
    return assignment.Problem(papers=papers, units=tuple(units), commentators=commentators), context


ordinal = assignment.ordinal


@dataclasses.dataclass
class Paper:
    """A paper students present, as the ranking page lists it."""

    slot: Slot
    presenting: int  # how many rankings have it among papers to present (never who)
    commenting: int
    lists: set[str]  # the kinds of my lists it is on


@dataclasses.dataclass
class Outcome:
    """After publishing: one seat a student got, and why their better choices went elsewhere."""

    slot: Slot
    role: str
    rank: int | None
    why_not: list[tuple[Slot, str]]

    @property
    def rank_label(self) -> str:
        return ordinal(self.rank)


@dataclasses.dataclass
class RankingPage:
    course: Course
    window_error: str | None
    ranking: Ranking | None
    present: list[Choice]
    comment: list[Choice]
    avoid: list[Choice]
    papers: list[Paper]
    classmates: list[User]
    partner: User | None
    together: bool  # the partner named me back
    asked_by: list[User]  # classmates who named me, whom I have not named
    present_shared: bool
    presenting_already: list[Signup]
    outcomes: list[Outcome]

    @property
    def present_missing(self) -> int:
        return max(self.course.min_choices - len(self.present), 0)

    @property
    def comment_missing(self) -> int:
        return max(self.course.min_commentary_choices - len(self.comment), 0)

    @property
    def complete(self) -> bool:
        return self.course.ranking_is_complete(len(self.present), len(self.comment))


def paper_slots(course: Course):
    return (
        Slot.objects.filter(meeting__course=course, kind=Slot.Kind.PAPER)
        .select_related("reading", "meeting")
        .order_by("meeting__date", "meeting__starts_at", "position")
    )


def ranking_page(course: Course, student: User, *, window_error: str | None, published: AssignmentRun | None):
    """What one student sees of the round: their lists, every paper's popularity, their partner, their seats."""
    rankings = {r.student_id: r for r in Ranking.objects.filter(course=course).select_related("partner")}
    mine = rankings.get(student.pk)
    partner = mine.partner if mine and mine.partner_id else None
    theirs = rankings.get(partner.pk) if partner else None
    together = theirs is not None and theirs.partner_id == student.pk
    partner_of = {r.student_id: r.partner_id for r in rankings.values()}
    lead = rankings.get(list_owner(student.pk, partner_of))
    choices = list(
        Choice.objects.filter(ranking__course=course)
        .filter(Q(ranking=mine) | Q(ranking=lead))
        .select_related("slot__reading", "slot__meeting")
        .order_by("rank")
    )
    present = [c for c in choices if c.ranking_id == getattr(lead, "pk", None) and c.kind == Choice.Kind.PRESENT]
    own = [c for c in choices if c.ranking_id == getattr(mine, "pk", None)]
    comment = [c for c in own if c.kind == Choice.Kind.COMMENT]
    avoid = [c for c in own if c.kind == Choice.Kind.AVOID]
    counts = {
        (row["slot"], row["kind"]): row["n"]
        for row in Choice.objects.filter(ranking__course=course, kind__in=[Choice.Kind.PRESENT, Choice.Kind.COMMENT])
        .values("slot", "kind")
        .annotate(n=Count("pk"))
    }
    on: dict[int | None, set[str]] = {}
    for choice in present + comment + avoid:
        on.setdefault(choice.slot_id, set()).add(choice.kind)
    papers = [
        Paper(
            slot=slot,
            presenting=counts.get((slot.pk, Choice.Kind.PRESENT), 0),
            commenting=counts.get((slot.pk, Choice.Kind.COMMENT), 0),
            lists=on.get(slot.pk, set()),
        )
        for slot in paper_slots(course)
    ]
    asked_by = [
        r.student
        for r in Ranking.objects.filter(course=course, partner=student).select_related("student")
        if partner is None or r.student_id != partner.pk
    ]
    signups = list(
        Signup.objects.filter(slot__meeting__course=course, student=student).select_related(
            "slot__reading", "slot__meeting"
        )
    )
    return RankingPage(
        course=course,
        window_error=window_error,
        ranking=mine,
        present=present,
        comment=comment,
        avoid=avoid,
        papers=papers,
        classmates=[s for s in course_students(course) if s.pk != student.pk],
        partner=partner,
        together=together,
        asked_by=asked_by,
        present_shared=together,
        presenting_already=[] if published else [s for s in signups if s.role == Signup.Role.PRESENTER],
        outcomes=_outcomes(course, student, signups, present, comment, rankings, together, lead) if published else [],
    )


def _outcomes(course, student, signups, present, comment, rankings, together, lead) -> list[Outcome]:
    """Each seat with the rank it had, and for each better choice why it went to someone else."""
    holders: dict[tuple[int, str], list[int]] = {}
    for slot_id, student_id, role in Signup.objects.filter(slot__meeting__course=course).values_list(
        "slot_id", "student_id", "role"
    ):
        holders.setdefault((slot_id, role), []).append(student_id)
    lists: dict[tuple[int, str], list[int]] = {}
    for ranking_id, kind, slot_id in (
        Choice.objects.filter(ranking__course=course).values_list("ranking_id", "kind", "slot_id").order_by("rank")
    ):
        lists.setdefault((ranking_id, kind), []).append(slot_id)
    by_student = rankings
    partner_of = {r.student_id: r.partner_id for r in rankings.values()}

    def present_list(student_id: int) -> list[int]:
        ranking = by_student.get(list_owner(student_id, partner_of))
        return lists.get((ranking.pk, Choice.Kind.PRESENT), []) if ranking else []

    def comment_list(student_id: int) -> list[int]:
        ranking = by_student.get(student_id)
        return lists.get((ranking.pk, Choice.Kind.COMMENT), []) if ranking else []

    outcomes = []
    for signup in signups:
        mine_list = [c.slot for c in (present if signup.role == Signup.Role.PRESENTER else comment)]
        ids = [slot.pk for slot in mine_list]
        rank = assignment.rank_of(ids, signup.slot_id)
        held = {s.slot_id for s in signups if s.role == signup.role}
        better = [slot for slot in mine_list[: (rank - 1) if rank else len(mine_list)] if slot.pk not in held]
        why = []
        for slot in better:
            others = [h for h in holders.get((slot.pk, signup.role), []) if h != student.pk]
            listing = present_list if signup.role == Signup.Role.PRESENTER else comment_list
            their = sorted({ordinal(assignment.rank_of(listing(h), slot.pk)) for h in others}, key=_rank_order)
            mine_rank = ids.index(slot.pk) + 1
            if not others:
                why.append((slot, "its seats stayed open, but taking it would have left a classmate with a worse "
                            "choice than anyone got"))  # fmt: skip
            elif any(t == "not ranked" or int(t[:-2]) > mine_rank for t in their):
                why.append((slot, f"its seats went to classmates who ranked it {', '.join(their)}: giving it to you "
                            "would have cost others more than it gained you"))  # fmt: skip
            else:
                why.append((slot, f"its seats went to classmates who ranked it {', '.join(their)}"))
        outcomes.append(Outcome(slot=signup.slot, role=signup.role, rank=rank, why_not=why))
    return outcomes


def _rank_order(label: str) -> tuple[int, int]:
    return (1, 0) if label == "not ranked" else (0, int(label[:-2]))


SERIES = (("optimal", "This run"), ("lottery", "Lottery"), ("first_come", "First come"))


@dataclasses.dataclass
class Bar:
    series: str
    label: str
    count: int
    x: float
    y: float
    height: float


@dataclasses.dataclass
class BarChart:
    """Grouped bars, one group per rank, one bar per series: drawn as SVG by the template."""

    title: str
    groups: list[tuple[str, float, list[Bar]]]  # rank label, x of the label, bars
    width: int
    height: int = 160
    baseline: int = 130

    @classmethod
    def of(cls, title: str, figures: dict[str, dict]) -> "BarChart":
        ranks = sorted(
            {rank for name, _ in SERIES for rank, _ in figures.get(name, {}).get("counts", [])},
            key=lambda r: (r is None, r or 0),
        )
        top = max((n for name, _ in SERIES for _, n in figures.get(name, {}).get("counts", [])), default=1) or 1
        bar, gap, plot = 14, 18, 110
        groups = []
        for g, rank in enumerate(ranks):
            left = 30 + g * (len(SERIES) * bar + gap)
            bars = []
            for s, (name, label) in enumerate(SERIES):
                count = dict((r, n) for r, n in figures.get(name, {}).get("counts", [])).get(rank, 0)
                height = plot * count / top
                bars.append(Bar(name, label, count, left + s * bar, 130 - height, height))
            groups.append((ordinal(rank), left + len(SERIES) * bar / 2, bars))
        return cls(title=title, groups=groups, width=40 + len(ranks) * (len(SERIES) * bar + gap))


@dataclasses.dataclass
class DraftRow:
    slot: Slot
    presenters: list[tuple[DraftSeat, str]]  # a proposed seat and the rank its student gave the paper
    commentators: list[tuple[DraftSeat, str]]
    taken: list[Signup]  # seats taken before the run
    open_presenters: int
    open_commentators: int


@dataclasses.dataclass
class Preview:
    run: AssignmentRun | None
    runs: int
    students: int
    complete: list[User]
    incomplete: list[User]
    unranked: list[User]
    pairs: list[tuple[User, User]]
    pending: list[tuple[User, User]]  # named a partner who has not named them back
    conflicts: list[Choice]  # papers students must not get, with their reasons (staff only)
    figures: dict[str, dict]  # series name -> {"present": ..., "comment": ...}
    charts: list[BarChart]
    worst_off: list[tuple[str, str, str]]  # who, what they present, what they comment on
    rows: list[DraftRow]
    slots: list[Slot]
    moved: int = 0  # proposed seats staff moved by hand

    @property
    def unfilled(self) -> list[DraftRow]:
        return [row for row in self.rows if row.open_presenters or row.open_commentators]


def round_status(course: Course) -> dict:
    """Who has ranked, who has not, and the pairs: for the instructor before and after a run."""
    students = list(course_students(course))
    ids = {s.pk for s in students}
    rankings = {r.student_id: r for r in Ranking.objects.filter(course=course, student_id__in=ids)}
    counts: dict[tuple[int, str], int] = {}
    for row in (
        Choice.objects.filter(ranking__in=rankings.values())
        .values("ranking__student_id", "kind")
        .annotate(n=Count("pk"))
    ):
        counts[row["ranking__student_id"], row["kind"]] = row["n"]
    by_id = {s.pk: s for s in students}
    pairs, pending, complete, incomplete, unranked = [], [], [], [], []
    for student in students:
        ranking = rankings.get(student.pk)
        partner = ranking.partner_id if ranking else None
        if partner is not None and partner in rankings and rankings[partner].partner_id == student.pk:
            if student.pk < partner:  # a pair is listed once
                pairs.append((student, by_id[partner]))
        elif partner is not None and partner in by_id:
            pending.append((student, by_id[partner]))
        lead = list_owner(student.pk, {r: rankings[r].partner_id for r in rankings})
        present, comment = counts.get((lead, Choice.Kind.PRESENT), 0), counts.get((student.pk, Choice.Kind.COMMENT), 0)
        if not present and not comment:
            unranked.append(student)
        elif course.ranking_is_complete(present, comment):
            complete.append(student)
        else:
            incomplete.append(student)
    conflicts = list(
        Choice.objects.filter(ranking__in=rankings.values(), kind=Choice.Kind.AVOID)
        .select_related("ranking__student", "slot__reading")
        .order_by("ranking__student__last_name", "ranking__student__first_name", "rank")
    )
    return {
        "students": len(students),
        "conflicts": conflicts,
        "complete": complete,
        "incomplete": incomplete,
        "unranked": unranked,
        "pairs": pairs,
        "pending": pending,
    }


def draft_figures(problem: assignment.Problem, drafts: list[DraftSeat]) -> dict:
    """The figures of a draft as it stands (after any moves by hand)."""
    unit_of = {member: u for u, unit in enumerate(problem.units) for member in unit.members}
    presenting: dict[int, list[int]] = {}
    commenting: dict[int, list[int]] = {}
    for draft in drafts:
        if draft.role == Signup.Role.PRESENTER and draft.student_id in unit_of:
            papers = presenting.setdefault(unit_of[draft.student_id], [])
            if draft.slot_id not in papers:
                papers.append(draft.slot_id)
        elif draft.role == Signup.Role.COMMENTATOR:
            commenting.setdefault(draft.student_id, []).append(draft.slot_id)
    return assignment.summarise(problem, assignment.Assignment(presenting=presenting, commenting=commenting))


def assignment_preview(course: Course) -> Preview:
    """The latest run: its progress, or its draft with figures beside the baselines, for staff."""
    runs = course.assignment_runs.exclude(status=AssignmentRun.Status.SUPERSEDED)
    run = runs.select_related("created_by").first()
    status = round_status(course)
    preview = Preview(
        run=run,
        runs=course.assignment_runs.count(),
        figures={},
        charts=[],
        worst_off=[],
        rows=[],
        slots=list(paper_slots(course)),
        **status,
    )
    if run is None or run.status not in (AssignmentRun.Status.DONE, AssignmentRun.Status.PUBLISHED):
        return preview
    drafts = list(run.seats.select_related("student").order_by("slot", "role", "seat"))
    if run.status == AssignmentRun.Status.DONE:
        problem, context = assignment_problem(course)
        current = draft_figures(problem, drafts)
    else:
        problem, context, current = None, None, run.summary.get("published", run.summary.get("optimal", {}))
    figures = {"optimal": current} | {name: run.summary.get(name, {}) for name in ("lottery", "first_come")}
    empty: dict[str, object] = {
        "counts": [],
        "worst": None,
        "worst_label": "—",
        "mean": None,
        "first": 0,
        "unplaced": 0,
    }
    preview.figures = {
        name: {kind: figures[name].get(kind, empty) for kind in ("present", "comment")} for name in figures
    }
    preview.charts = [
        BarChart.of("Presentations", {name: figures.get("present", {}) for name, figures in preview.figures.items()}),
        BarChart.of("Commentaries", {name: figures.get("comment", {}) for name, figures in preview.figures.items()}),
    ]
    rank_label = _rank_labels(problem) if problem else (lambda draft: "")
    signups: dict[int, list[Signup]] = {}
    if run.status == AssignmentRun.Status.DONE:
        for signup in Signup.objects.filter(slot__in=preview.slots).select_related("student"):
            signups.setdefault(signup.slot_id, []).append(signup)
    by_slot: dict[int, list[DraftSeat]] = {}
    for draft in drafts:
        by_slot.setdefault(draft.slot_id, []).append(draft)
    for slot in preview.slots:
        mine, taken = by_slot.get(slot.pk, []), signups.get(slot.pk, [])
        presenters = [(d, rank_label(d)) for d in mine if d.role == Signup.Role.PRESENTER]
        commentators = [(d, rank_label(d)) for d in mine if d.role == Signup.Role.COMMENTATOR]
        held = {role: sum(1 for s in taken if s.role == role) for role in Signup.Role.values}
        preview.rows.append(
            DraftRow(
                slot=slot,
                presenters=presenters,
                commentators=commentators,
                taken=taken,
                open_presenters=max(course.seats_for(Signup.Role.PRESENTER) - len(presenters) - held["presenter"], 0),
                open_commentators=max(
                    course.seats_for(Signup.Role.COMMENTATOR) - len(commentators) - held["commentator"], 0
                ),
            )
        )
    if problem is not None and context is not None:  # a draft not yet published
        preview.worst_off = _worst_off(problem, drafts, context["names"])
    preview.moved = sum(1 for draft in drafts if draft.moved_by_id)
    return preview


def _rank_labels(problem: assignment.Problem):
    present = {member: unit for unit in problem.units for member in unit.members}
    comment = {student.id: student for student in problem.commentators}

    def label(draft: DraftSeat) -> str:
        person = present.get(draft.student_id) if draft.role == Signup.Role.PRESENTER else comment.get(draft.student_id)
        if person is None or not person.ranked:
            return "did not rank"
        return ordinal(assignment.rank_of(person.ranks, draft.slot_id)) + (
            " choice" if draft.slot_id in person.ranks else ""
        )

    return label


def _choices(ranks: list[int | None], verb: str) -> str:
    """ "presents their 2nd choice", "comments on their 1st and 3rd choices and a paper they did not rank"."""
    if not ranks:
        return f"{verb} nothing they ranked" if verb == "comments on" else f"{verb} nothing yet"
    ranked = [ordinal(r) for r in sorted(r for r in ranks if r is not None)]
    parts = [f"their {' and '.join(ranked)} choice{'s' if len(ranked) > 1 else ''}"] if ranked else []
    unranked = sum(1 for r in ranks if r is None)
    if unranked:
        parts.append("a paper they did not rank" if unranked == 1 else f"{unranked} papers they did not rank")
    return f"{verb} {' and '.join(parts)}"


def _worst_off(problem: assignment.Problem, drafts: list[DraftSeat], names: dict[int, str], count: int = 5):
    """The ranked units whose presentation is furthest down their list, with their commentaries."""
    mine: dict[tuple[int, str], list[int]] = {}
    for draft in drafts:
        mine.setdefault((draft.student_id, draft.role), []).append(draft.slot_id)
    comments = {student.id: student for student in problem.commentators}
    rows = []
    for unit in problem.units:
        if not unit.ranked:
            continue
        papers = mine.get((unit.members[0], Signup.Role.PRESENTER), [])
        ranks = [assignment.rank_of(unit.ranks, p) for p in papers]
        worst = max((len(unit.ranks) + 1 if r is None else r for r in ranks), default=len(unit.ranks) + 1)
        comment_ranks = [
            assignment.rank_of(comments[m].ranks, p)
            for m in unit.members
            if m in comments and comments[m].ranked
            for p in mine.get((m, Signup.Role.COMMENTATOR), [])
        ]
        who = " and ".join(names.get(m, str(m)) for m in unit.members)
        rows.append((worst, who, _choices(ranks, "presents"), _choices(comment_ranks, "comments on")))
    rows.sort(key=lambda row: -row[0])
    return [row[1:] for row in rows[:count]]
