"""Examination timetabling solver: plain data in, plain data out (no Django).

`solve_exams(problem, time_limit=..., seed=...)` builds a feasible timetable (saturation-degree
greedy, CP-SAT when the greedy fails), then improves it by simulated annealing with Kempe-chain
moves. See `problem.py` for the constraints and the cost.
"""

from .problem import Exam, ExamProblem, ExamSolution, Period, ProblemError, Room
from .solve import solve_exams

__all__ = ["Exam", "ExamProblem", "ExamSolution", "Period", "ProblemError", "Room", "solve_exams"]
