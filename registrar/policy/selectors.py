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
