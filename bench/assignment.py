"""How long the seat assignment takes as the class grows (the solver alone, no database).

Random rankings: each unit ranks 5 papers to present and each student 4 to comment on; a third of
the students in pairs; 2 presenter and 4 commentator seats per paper, two papers a meeting.
Prints the seconds of `courseapp.assignment.solve` and of the two baselines, median of 3.
"""

import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from courseapp import assignment


def problem(students: int, papers: int, seed: int = 0) -> assignment.Problem:
    rng = random.Random(seed)
    slots = tuple(assignment.Paper(i, i // 2, 2, 4) for i in range(papers))
    ids = list(range(students))
    paired = students // 3 // 2 * 2
    units = [assignment.Unit((ids[i], ids[i + 1]), tuple(rng.sample(range(papers), 5))) for i in range(0, paired, 2)]
    units += [assignment.Unit((i,), tuple(rng.sample(range(papers), 5))) for i in ids[paired:]]
    commentators = tuple(assignment.Commentator(i, tuple(rng.sample(range(papers), 4))) for i in ids)
    return assignment.Problem(slots, tuple(units), commentators)


def median_seconds(call, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    print(f"{'students x papers':>18}  {'solve':>8}  {'lottery':>8}  {'first come':>10}")
    for students, papers in ((28, 16), (60, 30), (120, 60), (300, 150)):
        p = problem(students, papers)
        solve = median_seconds(lambda p=p: assignment.solve(p, seed=1), runs=1 if students > 150 else 3)
        lottery = median_seconds(lambda p=p: assignment.lottery(p, seed=1))
        order = list(range(len(p.units)))
        first = median_seconds(
            lambda p=p, o=order: assignment.serial_dictatorship(p, o, [c.id for c in p.commentators])
        )
        print(f"{students:>9} x {papers:<6}  {solve:>7.2f}s  {lottery:>7.3f}s  {first:>9.3f}s")


if __name__ == "__main__":
    main()
