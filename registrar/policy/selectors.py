import datetime as dt

from .models import AcademicPolicy
from .values import DEFAULT_VALUES, PolicyValues


def academic_start_year(day: dt.date) -> int:
    """The academic year runs from September; January–August belong to the previous start year."""
    return day.year if day.month >= 9 else day.year - 1


def policy_for_year(start_year: int) -> PolicyValues:
    """The policy version in force for an academic year: the latest one not after it."""
    policy = (
        AcademicPolicy.objects.filter(start_year__lte=start_year).order_by("-start_year").first()
    )
    return policy.values if policy else DEFAULT_VALUES


def policy_on(day: dt.date) -> PolicyValues:
    return policy_for_year(academic_start_year(day))


class PolicyCache:
    """Policies by academic year for one batch operation (an order, a replay of history).

    Keyed by the year it is asked for, so it never answers one year with another's policy;
    it lives only as long as the operation that made it.
    """

    def __init__(self) -> None:
        self._by_year: dict[int, PolicyValues] = {}

    def on(self, day: dt.date) -> PolicyValues:
        year = academic_start_year(day)
        if year not in self._by_year:
            self._by_year[year] = policy_for_year(year)
        return self._by_year[year]
