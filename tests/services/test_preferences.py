"""The preference round: rankings saved as drafts, pairs, a run on a real worker, moves and publishing."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from courseapp.models import AssignmentRun, Choice, DraftSeat, Notice, Ranking, Signup
from courseapp.selectors.preferences import ranking_page
from courseapp.services import preferences as service
from courseapp.services import signups as seats

from ..asserts import refused
from ..factories import MeetingFactory, MembershipFactory, SlotFactory
from ..workers import wait_for

PRESENT, COMMENT, AVOID = Choice.Kind.PRESENT, Choice.Kind.COMMENT, Choice.Kind.AVOID
NOW = timezone.now()


@pytest.fixture
def papers(course):
    course.signup_mode = course.SignupMode.PREFERENCES
    course.signup_opens_at, course.signup_closes_at = NOW - datetime.timedelta(days=1), NOW + datetime.timedelta(days=1)
    course.min_choices, course.commentaries_per_student = 2, 1
    course.save()
    meetings = [MeetingFactory(course=course, date=datetime.date(2024, 10, 2 + 7 * n)) for n in range(3)]
    return [SlotFactory(meeting=meetings[n % 3], reading__title=f"Paper {'ABCDEF'[n]}") for n in range(6)]


@pytest.fixture
def students(course):
    return [MembershipFactory(course=course, user__first_name=f"S{n}", user__last_name="X").user for n in range(6)]


def change(course, student, kind, action, slot, reason="", **kwargs):
    return service.ranking_change(
        course=course, student=student, kind=kind, action=action, slot_id=slot.pk, reason=reason, **kwargs
    )


def listed(course, student, kind):
    return list(
        Choice.objects.filter(ranking__course=course, ranking__student=student, kind=kind)
        .order_by("rank")
        .values_list("slot__reading__title", flat=True)
    )


def close(course):
    course.signup_closes_at = timezone.now() - datetime.timedelta(minutes=1)
    course.save(update_fields=["signup_closes_at"])


def rank_all(course, papers, students):
    """Everyone ranks: student n wants papers n and n+1 to present, n+2 and n+3 to comment on."""
    for n, student in enumerate(students):
        for k in (0, 1):
            change(course, student, PRESENT, "add", papers[(n + k) % len(papers)])
        for k in (2, 3):
            change(course, student, COMMENT, "add", papers[(n + k) % len(papers)])


class TestRanking:
    def test_lists_keep_their_order_and_move_up_and_down(self, course, papers, students):
        for paper in papers[:3]:
            change(course, students[0], PRESENT, "add", paper)
        change(course, students[0], PRESENT, "up", papers[2])
        assert listed(course, students[0], PRESENT) == ["Paper A", "Paper C", "Paper B"]
        change(course, students[0], PRESENT, "down", papers[0])
        assert listed(course, students[0], PRESENT) == ["Paper C", "Paper A", "Paper B"]
        change(course, students[0], PRESENT, "remove", papers[1])
        assert listed(course, students[0], PRESENT) == ["Paper C", "Paper A"]
        assert refused("listed", change, course, students[0], PRESENT, "add", papers[0]) == (
            "“Paper A” is on this list already."
        )

    def test_a_ranking_is_a_draft_until_it_has_enough_choices(self, course, papers, students):
        change(course, students[0], PRESENT, "add", papers[0])
        change(course, students[0], COMMENT, "add", papers[1])
        ranking = Ranking.objects.get(student=students[0])
        assert ranking.completed_at is None  # saved, but short of 2 to present
        page = ranking_page(course, students[0], window_error=None, published=None)
        assert (page.present_missing, page.comment_missing, page.complete) == (1, 1, False)
        change(course, students[0], PRESENT, "add", papers[2])
        change(course, students[0], COMMENT, "add", papers[3])
        ranking.refresh_from_db()
        assert ranking.completed_at is not None

    def test_a_conflict_needs_a_reason_and_takes_the_paper_off_the_other_lists(self, course, papers, students):
        change(course, students[0], PRESENT, "add", papers[0])
        change(course, students[0], PRESENT, "add", papers[1])
        assert refused("needs_reason", change, course, students[0], AVOID, "add", papers[0], reason="  ").startswith(
            "Say why you must not get this paper"
        )
        change(course, students[0], AVOID, "add", papers[0], reason="My advisor wrote it")
        assert listed(course, students[0], PRESENT) == ["Paper B"]
        assert Choice.objects.get(kind=AVOID).reason == "My advisor wrote it"
        assert refused("conflict", change, course, students[0], COMMENT, "add", papers[0]) == (
            "You marked “Paper A” as a paper you must not get: take it off that list first."
        )

    def test_after_the_window_nothing_changes_and_nothing_is_lost(self, course, papers, students):
        change(course, students[0], PRESENT, "add", papers[0])
        close(course)
        message = refused("window_closed", change, course, students[0], PRESENT, "add", papers[1])
        assert message.startswith("Ranking closed ")
        assert listed(course, students[0], PRESENT) == ["Paper A"]

    def test_only_papers_students_present_can_be_ranked(self, course, papers, students):
        lecture = SlotFactory(meeting=papers[0].meeting, kind="instructor", reading__title="Intro")
        refused("not_a_paper", change, course, students[0], PRESENT, "add", lecture)

    def test_first_come_seats_wait_for_the_published_round(self, course, papers, students):
        message = refused("window_closed", seats.seat_take, course=course, slot_id=papers[0].pk,
                          student=students[0], role=Signup.Role.PRESENTER)  # fmt: skip
        assert message == seats.RANKING_ROUND


class TestPartners:
    def test_a_partner_who_has_not_named_you_back_is_pending(self, course, papers, students):
        a, b = students[:2]
        change(course, a, PRESENT, "add", papers[0])
        service.partner_set(course=course, student=a, partner=b)
        page = ranking_page(course, a, window_error=None, published=None)
        assert page.partner == b and not page.together
        assert [p.display_name for p in ranking_page(course, b, window_error=None, published=None).asked_by] == ["S0 X"]
        assert Notice.objects.get(user=b).message.startswith("S0 X would like to present with you")
        assert listed(course, a, PRESENT) == ["Paper A"]  # still saved, ranking alone

    def test_a_pair_ranks_once_together_and_parting_leaves_each_a_copy(self, course, papers, students):
        a, b = students[:2]
        change(course, b, PRESENT, "add", papers[3])  # b ranked first; a has no list yet
        service.partner_set(course=course, student=a, partner=b)
        service.partner_set(course=course, student=b, partner=a)
        assert listed(course, a, PRESENT) == ["Paper D"]  # the pair's list is kept on the lead (lower id)
        change(course, b, PRESENT, "add", papers[4])  # either partner edits the one list
        change(course, a, PRESENT, "up", papers[4])
        page = ranking_page(course, b, window_error=None, published=None)
        assert page.together and [c.slot.reading.title for c in page.present] == ["Paper E", "Paper D"]
        service.partner_set(course=course, student=b, partner=None)
        assert listed(course, a, PRESENT) == listed(course, b, PRESENT) == ["Paper E", "Paper D"]

    def test_someone_already_in_a_pair_cannot_be_named(self, course, papers, students):
        a, b, c = students[:3]
        service.partner_set(course=course, student=a, partner=b)
        service.partner_set(course=course, student=b, partner=a)
        assert refused("partner_taken", service.partner_set, course=course, student=c, partner=a) == (
            "S0 X already ranks with another partner."
        )


def run_now(course, by, seed=1):
    """Start a run and solve it here (what the task does; the worker test covers the queue)."""
    close(course)
    run, _ = service.assignment_start(course=course, by=by, seed=seed)
    return service.assignment_run(run_id=run.pk)


class TestRuns:
    def test_a_run_on_the_worker_places_everyone_by_the_rules(self, worker, course, papers, students, instructor):
        rank_all(course, papers, students)
        service.partner_set(course=course, student=students[0], partner=students[1])
        service.partner_set(course=course, student=students[1], partner=students[0])
        change(course, students[2], AVOID, "add", papers[4], reason="Co-author")
        close(course)
        run, new = service.assignment_start(course=course, by=instructor, seed=42)
        assert new and run.status == "queued"
        wait_for(lambda: AssignmentRun.objects.get(pk=run.pk).status == "done", what="the worker's run")
        drafts = list(DraftSeat.objects.filter(run=run))
        presenting = {d.student_id: d.slot_id for d in drafts if d.role == "presenter"}
        assert set(presenting) == {s.pk for s in students}
        assert presenting[students[0].pk] == presenting[students[1].pk]  # partners together
        assert papers[4].pk not in {d.slot_id for d in drafts if d.student_id == students[2].pk}  # the conflict
        for draft in drafts:
            if draft.role == "commentator":
                assert presenting[draft.student_id] != draft.slot_id  # never on one's own paper
        assert not Signup.objects.exists()  # nothing changes for students before publishing
        summary = AssignmentRun.objects.get(pk=run.pk).summary
        assert set(summary) == {"optimal", "lottery", "first_come"}
        assert summary["optimal"]["present"]["worst"] <= summary["lottery"]["present"]["worst"]

    def test_the_same_seed_gives_the_same_draft(self, course, papers, students, instructor):
        rank_all(course, papers, students)
        first = run_now(course, instructor, seed=9)
        first_seats = set(first.seats.values_list("student", "slot", "role"))
        again = run_now(course, instructor, seed=9)
        assert AssignmentRun.objects.get(pk=first.pk).status == "superseded"
        assert set(again.seats.values_list("student", "slot", "role")) == first_seats

    def test_an_impossible_round_says_why_and_publishes_nothing(self, course, papers, students, instructor):
        course.presenters_per_slot = 1
        course.save()
        rank_all(course, papers[:3], students)
        papers[3].delete(), papers[4].delete(), papers[5].delete()
        run = run_now(course, instructor)
        assert run.status == "failed"
        assert run.problems[0] == (
            "6 presentations to place but only 3 open presenter seats: 3 short. Add papers to the schedule, or more "
            "presenters per paper."
        )
        refused("not_ready", service.assignment_publish, course=course, run_id=run.pk, by=instructor)
        assert not Signup.objects.exists()

    def test_no_run_while_rankings_are_open(self, course, papers, instructor):
        assert refused("still_open", service.assignment_start, course=course, by=instructor).startswith(
            "Rankings are open until"
        )


class TestMovesAndPublishing:
    @pytest.fixture
    def run(self, course, papers, students, instructor):
        rank_all(course, papers, students)
        change(course, students[5], AVOID, "add", papers[1], reason="My roommate presents it")
        return run_now(course, instructor)

    def test_a_move_follows_the_seat_rules(self, course, papers, students, instructor, run):
        draft = run.seats.get(student=students[5], role="presenter")
        message = refused("conflict", service.draft_move, course=course, run_id=run.pk, draft_id=draft.pk,
                          to_slot_id=papers[1].pk, by=instructor)  # fmt: skip
        assert message == "S5 X must not get “Paper B”: My roommate presents it"
        # Everyone got a paper of their own (each ranked a different one first): join two on one paper.
        target = next(p for p in papers if p.pk != draft.slot_id and p != papers[1]
                      and not run.seats.filter(slot=p, student=students[5]).exists())  # fmt: skip
        moved = service.draft_move(course=course, run_id=run.pk, draft_id=draft.pk, to_slot_id=target.pk, by=instructor)
        assert moved.slot == target and moved.moved_by == instructor
        assert run.seats.filter(slot=target, role="presenter").count() == 2
        third = run.seats.filter(role="presenter").exclude(slot=target).exclude(student=students[5]).first()
        message = refused("seats_full", service.draft_move, course=course, run_id=run.pk, draft_id=third.pk,
                          to_slot_id=target.pk, by=instructor)  # fmt: skip
        assert message == f"All presenter seats of “{target.display_title}” are taken in this draft."
        commenting = run.seats.filter(role="commentator", student=students[5]).first()
        message = refused("already_in_slot", service.draft_move, course=course, run_id=run.pk,
                          draft_id=commenting.pk, to_slot_id=target.pk, by=instructor)  # fmt: skip
        assert message == f"S5 X already has a seat on “{target.display_title}” in this draft."

    def test_publishing_makes_every_seat_at_once_and_tells_each_student(
        self, course, papers, students, instructor, run
    ):
        count = service.assignment_publish(course=course, run_id=run.pk, by=instructor)
        assert count == run.seats.count() == Signup.objects.count() == 6 + 6
        for student in students:
            (notice,) = Notice.objects.filter(user=student, message__startswith="Seats are assigned")
            assert "you present “Paper" in notice.message and "you comment on “Paper" in notice.message
        run.refresh_from_db()
        assert run.status == "published" and "published" in run.summary
        assert service.ranking_window_error(course, timezone.now(), published=run).startswith("Seats were assigned")
        # Late joiners take what is left first come; assigned seats stay put.
        late = MembershipFactory(course=course, user__first_name="Late", user__last_name="Joiner").user
        open_paper = next(p for p in papers if Signup.objects.filter(slot=p, role="commentator").count() < 2)
        seats.seat_take(course=course, slot_id=open_paper.pk, student=late, role="commentator")
        own = Signup.objects.filter(student=students[0]).first()
        assert refused("assigned", seats.seat_drop, course=course, slot_id=own.slot_id, student=students[0]) == (
            seats.KEEP_ASSIGNED
        )

    def test_a_seat_taken_meanwhile_stops_the_whole_publish(self, course, papers, students, instructor, run):
        draft = run.seats.filter(role="commentator").first()
        Signup.objects.create(slot=draft.slot, student=students[5] if draft.student != students[5] else students[4],
                              role="commentator", seat=draft.seat)  # fmt: skip
        message = refused("seat_gone", service.assignment_publish, course=course, run_id=run.pk, by=instructor)
        assert message.startswith(f"Someone took a seat of “{draft.slot.display_title}” after the run")
        assert Signup.objects.count() == 1 and not Notice.objects.filter(message__startswith="Seats are").exists()
        assert AssignmentRun.objects.get(pk=run.pk).status == "done"


def test_a_student_learns_why_a_better_choice_went_elsewhere(course, papers, students, instructor):
    course.commentaries_per_student = 0
    course.save()
    for student in students[:3]:  # three want Paper A first, and it has two presenter seats
        change(course, student, PRESENT, "add", papers[0])
        change(course, student, PRESENT, "add", papers[1])
    run = run_now(course, instructor)
    service.assignment_publish(course=course, run_id=run.pk, by=instructor)
    run.refresh_from_db()
    outcomes = [ranking_page(course, s, window_error="closed", published=run).outcomes for s in students[:3]]
    assert sorted(o.rank for (o,) in outcomes) == [1, 1, 2]
    (second,) = next(o for o in outcomes if o[0].rank == 2)
    assert second.slot == papers[1] and second.rank_label == "2nd"
    assert second.why_not == [(papers[0], "its seats went to classmates who ranked it 1st")]


def test_the_command_assigns_and_publishes(course, papers, students):
    rank_all(course, papers, students)
    with pytest.raises(CommandError, match="Rankings are open until"):
        call_command("assign_seats", course.slug)
    close(course)
    out = io.StringIO()
    call_command("assign_seats", course.slug, "--seed", "3", "--publish", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "Assigned with seed 3."
    assert lines[1].startswith("  This run: presentations ") and lines[2].strip().startswith("Lottery:")
    assert lines[-1] == "Published 12 seats; every student was told theirs."
    assert Signup.objects.count() == 12
    with pytest.raises(CommandError, match="Seats were published"):
        call_command("assign_seats", course.slug)
