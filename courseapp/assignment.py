"""Seats from preferences: the optimal assignment of papers, and two baselines to compare it with.

Plain logic: no models, no database. The caller builds a ``Problem`` from the course (who
presents together, who ranked what, how many seats are free) and stores the ``Assignment``.

The objective, in order (each step keeps the best value of the ones before it):

1. the worst rank any ranked unit gets for a presentation is as good as possible;
2. then the worst rank any ranked student gets for a commentary;
3. then the sum of all ranks, with a student's commentaries on different meetings where
   possible; ties are broken by small costs drawn from the seed, so a run can be reproduced.

A paper a unit did not rank costs one more than its last choice. Students who ranked nothing
cost nothing anywhere: they take what the ranked ones leave. The model is a 0/1 integer program
solved by scipy's ``milp`` (HiGHS): seats, pairs, own papers and conflicts are its constraints,
so no solution it returns can break them.
"""

import dataclasses
import random
from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_array


@dataclasses.dataclass(frozen=True)
class Paper:
    """A slot that students present: its free seats after any seats taken before the run."""

    id: int
    meeting: int
    presenter_seats: int
    commentator_seats: int


@dataclasses.dataclass(frozen=True)
class Unit:
    """Who presents together: a pair who named each other, or one student. They rank once."""

    members: tuple[int, ...]
    ranks: tuple[int, ...] = ()  # paper ids, best first
    conflicts: frozenset[int] = frozenset()
    presentations: int = 1

    @property
    def ranked(self) -> bool:
        return bool(self.ranks)


@dataclasses.dataclass(frozen=True)
class Commentator:
    """A student who needs commentary seats, with the papers they would comment on, best first."""

    id: int
    ranks: tuple[int, ...] = ()
    conflicts: frozenset[int] = frozenset()
    commentaries: int = 2
    presents: frozenset[int] = frozenset()  # papers they present already (seats taken before the run)

    @property
    def ranked(self) -> bool:
        return bool(self.ranks)


@dataclasses.dataclass(frozen=True)
class Problem:
    papers: tuple[Paper, ...]
    units: tuple[Unit, ...]
    commentators: tuple[Commentator, ...]


@dataclasses.dataclass
class Assignment:
    """Who got what: unit index to paper ids presented, commentator id to paper ids commented on."""

    presenting: dict[int, list[int]]
    commenting: dict[int, list[int]]
    unplaced: list[str] = dataclasses.field(default_factory=list)  # what a baseline could not place


def rank_of(ranks: Sequence[int], paper: int) -> int | None:
    """1 for a first choice, None for a paper not ranked."""
    try:
        return ranks.index(paper) + 1
    except ValueError:
        return None


def ordinal(rank: int | None) -> str:
    """1st, 2nd, 3rd, 11th, 22nd; "not ranked" for None."""
    if rank is None:
        return "not ranked"
    suffix = "th" if 10 <= rank % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(rank % 10, "th")
    return f"{rank}{suffix}"


def presentation_ranks(problem: Problem, assignment: Assignment) -> list[int | None]:
    """The rank each ranked unit gave each paper it presents (None: not one it ranked)."""
    return [
        rank_of(unit.ranks, paper)
        for index, unit in enumerate(problem.units)
        if unit.ranked
        for paper in assignment.presenting.get(index, [])
    ]


def commentary_ranks(problem: Problem, assignment: Assignment) -> list[int | None]:
    return [
        rank_of(student.ranks, paper)
        for student in problem.commentators
        if student.ranked
        for paper in assignment.commenting.get(student.id, [])
    ]


@dataclasses.dataclass
class Summary:
    """How well an assignment meets the preferences: what the preview shows and compares."""

    counts: dict[int | None, int]  # rank (None: not ranked) -> how many got it
    worst: int | None
    mean: float | None
    unplaced: int

    @classmethod
    def of(cls, ranks: Iterable[int | None], *, unranked_rank: int, unplaced: int = 0) -> "Summary":
        ranks = list(ranks)
        counts = Counter(ranks)
        scored = [unranked_rank if rank is None else rank for rank in ranks]
        return cls(
            counts=dict(sorted(counts.items(), key=lambda item: (item[0] is None, item[0] or 0))),
            worst=max(scored) if scored else None,
            mean=round(sum(scored) / len(scored), 2) if scored else None,
            unplaced=unplaced,
        )

    @property
    def first_choices(self) -> int:
        return self.counts.get(1, 0)


NO_SOLUTION = (
    "No assignment meets every rule at once (open seats, partners together, nobody commenting on their own "
    "paper, conflicts): remove conflicts or add papers to the schedule."
)


def summarise(problem: Problem, result: Assignment) -> dict:
    """Presentations' and commentaries' figures, as JSON a run stores (ranks of None mean "not ranked")."""

    def figures(ranks, people, kind: str) -> dict:
        longest = max((len(person.ranks) for person in people), default=0)
        summary = Summary.of(ranks, unranked_rank=longest + 1, unplaced=result.unplaced.count(kind))
        return {
            "counts": [[rank, n] for rank, n in summary.counts.items()],
            "worst": summary.worst,
            # Scored worse than any list is long: a paper not ranked.
            "worst_label": "—"
            if summary.worst is None
            else ordinal(None if summary.worst > longest else summary.worst),
            "mean": summary.mean,
            "first": summary.first_choices,
            "unplaced": summary.unplaced,
        }

    return {
        "present": figures(presentation_ranks(problem, result), problem.units, "presentation"),
        "comment": figures(commentary_ranks(problem, result), problem.commentators, "commentary"),
    }


class Infeasible(Exception):
    """No assignment meets every rule; ``reasons`` say which rule cannot be met and by how much."""

    def __init__(self, reasons: list[str]):
        super().__init__("; ".join(reasons))
        self.reasons = reasons


def _plural(n: int, word: str, words: str | None = None) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {words or word + 's'}"


def shortfalls(problem: Problem, names: dict[int, str]) -> list[str]:
    """The rules that cannot be met whatever the assignment, said with numbers; empty if none is known."""
    reasons = []
    needed = sum(len(unit.members) * unit.presentations for unit in problem.units)
    seats = sum(paper.presenter_seats for paper in problem.papers)
    if needed > seats:
        reasons.append(
            f"{_plural(needed, 'presentation')} to place but only {_plural(seats, 'open presenter seat')}: "
            f"{needed - seats} short. Add papers to the schedule, or more presenters per paper."
        )
    pairs = sum(unit.presentations for unit in problem.units if len(unit.members) == 2)
    roomy = sum(paper.presenter_seats // 2 for paper in problem.papers)
    if pairs > roomy:
        reasons.append(
            f"{_plural(pairs, 'pair')} present together but only {roomy} papers have two open presenter seats: "
            f"{pairs - roomy} short."
        )
    needed = sum(student.commentaries for student in problem.commentators)
    seats = sum(paper.commentator_seats for paper in problem.papers)
    if needed > seats:
        reasons.append(
            f"{_plural(needed, 'commentary', 'commentaries')} to place but only "
            f"{_plural(seats, 'open commentator seat')}: {needed - seats} short."
        )
    for unit in problem.units:
        room = [p for p in problem.papers if p.id not in unit.conflicts and p.presenter_seats >= len(unit.members)]
        if len(room) < unit.presentations:
            who = " and ".join(names.get(member, str(member)) for member in unit.members)
            reasons.append(f"{who}: conflicts leave no paper with room to present ({len(room)} left).")
    for student in problem.commentators:
        room = [
            p
            for p in problem.papers
            if p.id not in student.conflicts and p.id not in student.presents and p.commentator_seats
        ]
        if len(room) < student.commentaries:
            reasons.append(
                f"{names.get(student.id, student.id)}: conflicts leave {_plural(len(room), 'paper')} to comment on, "
                f"{student.commentaries} needed."
            )
    return reasons


class _Program:
    """The integer program: one 0/1 variable per (unit, paper) and (commentator, paper) allowed."""

    def __init__(self, problem: Problem, seed: int):
        self.problem = problem
        papers = problem.papers
        self.present = [
            (u, p)
            for u, unit in enumerate(problem.units)
            for p, paper in enumerate(papers)
            if paper.id not in unit.conflicts and paper.presenter_seats >= len(unit.members)
        ]
        self.comment = [
            (c, p)
            for c, student in enumerate(problem.commentators)
            if student.commentaries
            for p, paper in enumerate(papers)
            if paper.id not in student.conflicts and paper.id not in student.presents and paper.commentator_seats
        ]
        # A slack per (commentator, meeting) counts commentaries beyond the first on one meeting.
        meetings = sorted({paper.meeting for paper in papers})
        self.spread = [(c, m) for c, _ in enumerate(problem.commentators) for m in meetings]
        self.n_present, self.n_comment = len(self.present), len(self.comment)
        offset = self.n_present + self.n_comment
        self.spread_at = {key: offset + i for i, key in enumerate(self.spread)}
        self.size = offset + len(self.spread)

        self.rank_cost = np.zeros(self.size)
        for i, (u, p) in enumerate(self.present):
            self.rank_cost[i] = _cost(problem.units[u].ranks, papers[p].id)
        for j, (c, p) in enumerate(self.comment):
            self.rank_cost[self.n_present + j] = _cost(problem.commentators[c].ranks, papers[p].id)
        # Ties: less than one rank in all, so they never outweigh a better sum of ranks.
        rng = np.random.default_rng(seed)
        assigned = sum(u.presentations for u in problem.units) + sum(c.commentaries for c in problem.commentators)
        self.tie_cost = np.zeros(self.size)
        self.tie_cost[:offset] = rng.random(offset) * 0.5 / max(assigned, 1)
        self.spread_cost = len(papers) + 1  # one more commentary on a meeting outweighs any rank
        self.rows: list[tuple[dict[int, float], float, float]] = []
        self._constraints()

    def _constraints(self) -> None:
        problem, papers, rows = self.problem, self.problem.papers, self.rows
        by_unit: dict[int, dict[int, float]] = {}
        by_commentator: dict[int, dict[int, float]] = {}
        presenter_load: dict[int, dict[int, float]] = {}
        commentator_load: dict[int, dict[int, float]] = {}
        member_of = {member: u for u, unit in enumerate(problem.units) for member in unit.members}
        present_var = {key: i for i, key in enumerate(self.present)}
        for i, (u, p) in enumerate(self.present):
            by_unit.setdefault(u, {})[i] = 1
            presenter_load.setdefault(p, {})[i] = len(problem.units[u].members)
        for j, (c, p) in enumerate(self.comment):
            var = self.n_present + j
            student = problem.commentators[c]
            by_commentator.setdefault(c, {})[var] = 1
            commentator_load.setdefault(p, {})[var] = 1
            # Nobody comments on the paper they present.
            presenting = member_of.get(student.id)
            if presenting is not None and (own := present_var.get((presenting, p))) is not None:
                rows.append(({var: 1, own: 1}, -np.inf, 1))
        for u, unit in enumerate(problem.units):
            rows.append((by_unit.get(u, {}), unit.presentations, unit.presentations))
        for c, student in enumerate(problem.commentators):
            rows.append((by_commentator.get(c, {}), student.commentaries, student.commentaries))
        for p, paper in enumerate(papers):
            if p in presenter_load:
                rows.append((presenter_load[p], -np.inf, paper.presenter_seats))
            if p in commentator_load:
                rows.append((commentator_load[p], -np.inf, paper.commentator_seats))
        on_meeting: dict[tuple[int, int], dict[int, float]] = {}
        for j, (c, p) in enumerate(self.comment):
            on_meeting.setdefault((c, papers[p].meeting), {})[self.n_present + j] = 1
        for key, terms in on_meeting.items():
            rows.append((terms | {self.spread_at[key]: -1}, -np.inf, 1))

    def solve(self, objective: np.ndarray | None = None, *, worst_present=None, worst_comment=None, spread=False):
        """The best 0/1 solution for ``objective`` (any feasible one without), or None if there is none.

        ``worst_present`` and ``worst_comment`` leave out every choice ranked worse for a ranked
        unit or student: the worst rank is a bound on the variables, not a constraint row.
        ``spread`` forbids two commentaries of a student on one meeting.
        """
        data, row_ids, col_ids, lower, upper = [], [], [], [], []
        for r, (terms, low, high) in enumerate(self.rows):
            for col, value in terms.items():
                row_ids.append(r)
                col_ids.append(col)
                data.append(value)
            lower.append(low)
            upper.append(high)
        matrix = coo_array((data, (row_ids, col_ids)), shape=(len(self.rows), self.size)).tocsr()
        decisions = self.n_present + self.n_comment
        integrality = np.zeros(self.size)
        integrality[:decisions] = 1
        ceiling = np.full(self.size, 0.0 if spread else np.inf)
        ceiling[:decisions] = 1
        for worst, variables, start, people in (
            (worst_present, self.present, 0, self.problem.units),
            (worst_comment, self.comment, self.n_present, self.problem.commentators),
        ):
            if worst is not None:
                for i, (who, _) in enumerate(variables):
                    if people[who].ranked and self.rank_cost[start + i] > worst:
                        ceiling[start + i] = 0
        result = milp(
            np.zeros(self.size) if objective is None else objective,
            constraints=LinearConstraint(matrix, lower, upper),
            integrality=integrality,
            bounds=Bounds(np.zeros(self.size), ceiling),
            options={"mip_rel_gap": 0},
        )
        return result.x

    def sum_of_ranks(self) -> np.ndarray:
        objective = self.rank_cost + self.tie_cost
        for col in self.spread_at.values():
            objective[col] = self.spread_cost
        return objective

    def least_worst(self, bound: str, **fixed) -> int | None:
        """The lowest worst rank (``bound``: worst_present or worst_comment) that leaves a solution.

        A binary search over the costs in use, once a solution under ``fixed`` is known to exist;
        None when nobody ranked anything of that kind.
        """
        ranked = self.present if bound == "worst_present" else self.comment
        start = 0 if bound == "worst_present" else self.n_present
        people = self.problem.units if bound == "worst_present" else self.problem.commentators
        costs = sorted({self.rank_cost[start + i] for i, (who, _) in enumerate(ranked) if people[who].ranked})
        if not costs:
            return None
        low, high = 0, len(costs) - 1  # the highest cost leaves nothing out: a solution is known to exist
        while low < high:
            middle = (low + high) // 2
            if self.solve(**fixed, **{bound: costs[middle]}) is not None:
                high = middle
            else:
                low = middle + 1
        return int(costs[low])


def _cost(ranks: Sequence[int], paper: int) -> float:
    if not ranks:
        return 0
    rank = rank_of(ranks, paper)
    return len(ranks) + 1 if rank is None else rank


def solve(problem: Problem, *, seed: int, names: dict[int, str] | None = None, progress=None) -> Assignment:
    """The optimal assignment (see the module's docstring); Infeasible says why there is none."""
    if reasons := shortfalls(problem, names or {}):
        raise Infeasible(reasons)
    program = _Program(problem, seed)
    say = progress or (lambda step: None)
    say("Checking the rules")
    if program.solve() is None:
        raise Infeasible([NO_SOLUTION])
    # Commentaries on different meetings is a rule where it can be kept for everyone; otherwise a cost.
    bounds: dict = {"spread": program.solve(spread=True) is not None}
    say("Finding the best worst choice for presentations")
    bounds["worst_present"] = program.least_worst("worst_present", **bounds)
    say("Finding the best worst choice for commentaries")
    bounds["worst_comment"] = program.least_worst("worst_comment", **bounds)
    say("Minimising the sum of ranks")
    x = program.solve(program.sum_of_ranks(), **bounds)
    if x is None:
        raise Infeasible([NO_SOLUTION])
    presenting: dict[int, list[int]] = {}
    commenting: dict[int, list[int]] = {}
    for i, (u, p) in enumerate(program.present):
        if x[i] > 0.5:
            presenting.setdefault(u, []).append(problem.papers[p].id)
    for j, (c, p) in enumerate(program.comment):
        if x[program.n_present + j] > 0.5:
            commenting.setdefault(problem.commentators[c].id, []).append(problem.papers[p].id)
    return Assignment(presenting=presenting, commenting=commenting)


def serial_dictatorship(problem: Problem, unit_order: Sequence[int], commentator_order: Sequence[int]) -> Assignment:
    """Each in turn takes their best remaining choice: presentations by unit index, then commentaries.

    With a lottery order this is random serial dictatorship; with the order rankings came in, it
    is first come, first served. A unit that finds nothing left is counted as unplaced.
    """
    presenter_seats = {paper.id: paper.presenter_seats for paper in problem.papers}
    commentator_seats = {paper.id: paper.commentator_seats for paper in problem.papers}
    all_papers = [paper.id for paper in problem.papers]
    result = Assignment(presenting={}, commenting={})
    presents: dict[int, set[int]] = {}
    for u in unit_order:
        unit = problem.units[u]
        size = len(unit.members)
        for _ in range(unit.presentations):
            taken = result.presenting.get(u, [])
            options = [*unit.ranks, *(p for p in all_papers if p not in unit.ranks)]
            choice = next(
                (p for p in options if p not in unit.conflicts and p not in taken and presenter_seats[p] >= size),
                None,
            )
            if choice is None:
                result.unplaced.append("presentation")
                continue
            presenter_seats[choice] -= size
            result.presenting.setdefault(u, []).append(choice)
            for member in unit.members:
                presents.setdefault(member, set()).add(choice)
    by_id = {student.id: student for student in problem.commentators}
    for student_id in commentator_order:
        student = by_id[student_id]
        own = presents.get(student.id, set()) | student.presents
        options = [*student.ranks, *(p for p in all_papers if p not in student.ranks)]
        chosen = [p for p in options if p not in student.conflicts and p not in own and commentator_seats[p] > 0]
        chosen = chosen[: student.commentaries]
        for paper in chosen:
            commentator_seats[paper] -= 1
        result.commenting[student.id] = chosen
        result.unplaced += ["commentary"] * (student.commentaries - len(chosen))
    return result


def lottery(problem: Problem, *, seed: int) -> Assignment:
    """Random serial dictatorship: a lottery (from the seed) orders the units and the commentators."""
    rng = random.Random(seed)
    units = list(range(len(problem.units)))
    commentators = [student.id for student in problem.commentators]
    rng.shuffle(units)
    rng.shuffle(commentators)
    return serial_dictatorship(problem, units, commentators)
