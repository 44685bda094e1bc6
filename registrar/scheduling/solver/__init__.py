"""Examination timetabling solver: plain data in, plain data out (no Django).

`solve_exams(problem, time_limit=..., seed=...)` builds a feasible timetable (saturation-degree
greedy; an ejection search for what the greedy leaves; CP-SAT as the fallback that also proves
infeasibility), then lowers its cost by simulated annealing with Kempe-chain moves. See
`problem.py` for the constraints and the cost, `docs/performance.md` for the benchmarks.

The local search is compiled by numba on first use and cached in `__pycache__` (the first call
in a fresh checkout takes some seconds more).
"""

from .problem import Exam, ExamProblem, ExamSolution, Period, ProblemError, Room
from .solve import solve_exams

__all__ = ["Exam", "ExamProblem", "ExamSolution", "Period", "ProblemError", "Room", "solve_exams"]
