"""The academic policy as plain values, with the defaults of the domain document.

Every number a rule uses comes from here, never from a constant in the rule:
universities differ and the Academic Council changes them yearly. The model
`AcademicPolicy` stores one JSON document per academic year; this module turns
it into typed, validated values (Decimals, dates) that the pure rule modules take.
No Django model is imported here.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any


@dataclasses.dataclass(frozen=True)
class GradeBand:
    letter: str
    points: Decimal
    min_score: int  # inclusive, on the integer score after half-up rounding
    max_score: int  # inclusive
    traditional: str  # excellent / good / satisfactory / fail


@dataclasses.dataclass(frozen=True)
class Window:
    """A yearly window given as month/day pairs, inclusive on both ends."""

    start: tuple[int, int]
    end: tuple[int, int]

    def contains(self, day: dt.date) -> bool:
        return self.start <= (day.month, day.day) <= self.end


@dataclasses.dataclass(frozen=True)
class PolicyValues:
    # §6 assessment
    grading_scale: tuple[GradeBand, ...]
    admission_rule: str  # "per_rating" (R1 and R2 each >= threshold) or "mean" (AR >= threshold)
    admission_threshold: Decimal
    admission_weight: Decimal
    exam_weight: Decimal
    exam_min_score: Decimal
    f_below: Decimal
    attendance_absence_limit: Decimal  # share of classes, 0.20 = 20 %
    grade_entry_hours_after_exam: int
    # §3/§5 load and registration
    credit_min_semester: int
    credit_max_semester: int
    credit_max_summer: int
    add_drop_weeks: int
    min_group_size: int
    min_group_size_summer: int
    # §7 promotion thresholds: year of study -> study form -> minimal year GPA
    promotion_thresholds: dict[int, dict[str, Decimal]]
    # §9 contingent windows and leave limits (months)
    transfer_windows: tuple[Window, ...]
    leave_medical_months: tuple[int, int]
    leave_military_months: tuple[int, int]
    leave_childcare_months: tuple[int, int]
    # §10/§11
    honours_min_gpa: Decimal
    honours_min_letter: str
    scholarship_increase: Decimal
    # §10 scholarships after each session (see policy/scholarships.py)
    scholarship_min_letter: str  # every session grade at least this: "good or excellent"
    scholarship_excellent_letter: str  # every grade at least this: increased / presidential
    scholarship_presidential_from_year: int
    scholarship_amounts: dict[str, Decimal]  # degree -> base monthly amount
    scholarship_presidential_amounts: dict[str, Decimal]  # degree -> monthly amount
    scholarship_rounding: Decimal  # amounts are rounded half-up to a multiple of this
    scholarship_leave_kinds_paid: tuple[str, ...]  # leave during which it is still paid

    def in_transfer_window(self, day: dt.date) -> bool:
        return any(w.contains(day) for w in self.transfer_windows)

    def leave_months(self, kind: str) -> tuple[int, int]:
        return {
            "medical": self.leave_medical_months,
            "military": self.leave_military_months,
            "childcare": self.leave_childcare_months,
        }[kind]


DEFAULTS: dict[str, Any] = {
    "grading_scale": [
        {"letter": "A", "points": "4.00", "min": 95, "max": 100, "traditional": "excellent"},
        {"letter": "A-", "points": "3.67", "min": 90, "max": 94, "traditional": "excellent"},
        {"letter": "B+", "points": "3.33", "min": 85, "max": 89, "traditional": "good"},
        {"letter": "B", "points": "3.00", "min": 80, "max": 84, "traditional": "good"},
        {"letter": "B-", "points": "2.67", "min": 75, "max": 79, "traditional": "good"},
        {"letter": "C+", "points": "2.33", "min": 70, "max": 74, "traditional": "good"},
        {"letter": "C", "points": "2.00", "min": 65, "max": 69, "traditional": "satisfactory"},
        {"letter": "C-", "points": "1.67", "min": 60, "max": 64, "traditional": "satisfactory"},
        {"letter": "D+", "points": "1.33", "min": 55, "max": 59, "traditional": "satisfactory"},
        {"letter": "D", "points": "1.00", "min": 50, "max": 54, "traditional": "satisfactory"},
        {"letter": "FX", "points": "0.50", "min": 25, "max": 49, "traditional": "fail"},
        {"letter": "F", "points": "0.00", "min": 0, "max": 24, "traditional": "fail"},
    ],
    "admission_rule": "per_rating",
    "admission_threshold": "50",
    "admission_weight": "0.6",
    "exam_weight": "0.4",
    "exam_min_score": "50",
    "f_below": "25",
    "attendance_absence_limit": "0.20",
    "grade_entry_hours_after_exam": 24,
    "credit_min_semester": 15,
    "credit_max_semester": 35,
    "credit_max_summer": 15,
    "add_drop_weeks": 2,
    "min_group_size": 10,
    "min_group_size_summer": 3,
    "promotion_thresholds": {
        "1": {"full_time": "1.80", "part_time": "1.80", "distance": "1.80"},
        "2": {"full_time": "2.00", "part_time": "2.00", "distance": "2.00"},
        "3": {"full_time": "2.10", "part_time": "2.10", "distance": "2.10"},
    },
    "transfer_windows": [["01-01", "01-15"], ["07-01", "08-25"]],
    "leave_medical_months": [6, 12],
    "leave_military_months": [1, 24],
    "leave_childcare_months": [1, 36],
    "honours_min_gpa": "3.50",
    "honours_min_letter": "B-",
    "scholarship_increase": "0.15",
    "scholarship_min_letter": "C+",
    "scholarship_excellent_letter": "A-",
    "scholarship_presidential_from_year": 3,
    # Monthly amounts in tenge are set yearly by the Government; these are placeholders.
    "scholarship_amounts": {"bachelor": "42000", "master": "90000", "doctorate": "185000"},
    "scholarship_presidential_amounts": {"bachelor": "63000", "master": "135000",
                                         "doctorate": "277500"},
    "scholarship_rounding": "1",
    "scholarship_leave_kinds_paid": ["medical"],
}


class PolicyError(ValueError):
    """A policy document that cannot be used; the message names the key."""


def _decimal(doc: dict[str, Any], key: str) -> Decimal:
    try:
        return Decimal(str(doc[key]))
    except (KeyError, InvalidOperation) as exc:
        raise PolicyError(f"{key}: a decimal number is required") from exc


def _int(doc: dict[str, Any], key: str) -> int:
    value = doc.get(key)
    if not isinstance(value, int) or isinstance(value, bool):
        raise PolicyError(f"{key}: a whole number is required")
    return value


def _month_day(text: str, key: str) -> tuple[int, int]:
    try:
        month, day = (int(part) for part in text.split("-"))
        dt.date(2024, month, day)  # a leap year accepts 02-29
    except (ValueError, AttributeError) as exc:
        raise PolicyError(f"{key}: '{text}' is not a MM-DD date") from exc
    return month, day


def _pair(doc: dict[str, Any], key: str) -> tuple[int, int]:
    value = doc.get(key)
    if not (isinstance(value, list | tuple) and len(value) == 2 and value[0] <= value[1]):
        raise PolicyError(f"{key}: a [minimum, maximum] pair is required")
    return int(value[0]), int(value[1])


def _scale(doc: dict[str, Any]) -> tuple[GradeBand, ...]:
    bands = tuple(
        GradeBand(
            letter=str(b["letter"]),
            points=Decimal(str(b["points"])),
            min_score=int(b["min"]),
            max_score=int(b["max"]),
            traditional=str(b["traditional"]),
        )
        for b in doc.get("grading_scale", [])
    )
    ordered = sorted(bands, key=lambda b: b.min_score)
    expected = 0
    for band in ordered:
        if band.min_score != expected or band.max_score < band.min_score:
            raise PolicyError(
                f"grading_scale: bands must cover 0-100 without gaps or overlaps "
                f"(band {band.letter} starts at {band.min_score}, expected {expected})"
            )
        expected = band.max_score + 1
    if expected != 101:
        raise PolicyError("grading_scale: the highest band must end at 100")
    return bands


def _amounts(doc: dict[str, Any], key: str) -> dict[str, Decimal]:
    value = doc.get(key)
    if not isinstance(value, dict):
        raise PolicyError(f"{key}: a mapping of degree to monthly amount is required")
    amounts = {}
    for degree, amount in value.items():
        try:
            amounts[str(degree)] = Decimal(str(amount))
        except InvalidOperation as exc:
            raise PolicyError(f"{key}: {degree}: a decimal number is required") from exc
        if not amounts[str(degree)].is_finite() or amounts[str(degree)] <= 0:
            raise PolicyError(f"{key}: {degree}: the amount must be positive")
    return amounts


def _letter(doc: dict[str, Any], merged: dict[str, Any], key: str,
            scale: tuple[GradeBand, ...]) -> str:
    """A letter of the scale. Checked when the document sets it; a default letter missing from
    a university's own scale is kept (no grade then reaches it) so that older documents load."""
    letter = str(merged.get(key, ""))
    if key in doc and letter not in {band.letter for band in scale}:
        raise PolicyError(f"{key}: '{letter}' is not a letter of the grading scale")
    return letter


def _scholarship_rounding(doc: dict[str, Any]) -> Decimal:
    quantum = _decimal(doc, "scholarship_rounding")
    if not quantum.is_finite() or quantum <= 0:
        raise PolicyError("scholarship_rounding: a positive step such as 1 or 0.01 is required")
    return quantum


def parse(doc: dict[str, Any]) -> PolicyValues:
    """Validate a policy document (missing keys take the defaults) into typed values."""
    merged = {**DEFAULTS, **doc}
    admission_weight = _decimal(merged, "admission_weight")
    exam_weight = _decimal(merged, "exam_weight")
    if admission_weight + exam_weight != 1:
        raise PolicyError("exam_weight: admission and exam weights must sum to 1")
    if merged["admission_rule"] not in {"per_rating", "mean"}:
        raise PolicyError("admission_rule: must be 'per_rating' or 'mean'")
    thresholds = {
        int(year): {form: Decimal(str(v)) for form, v in forms.items()}
        for year, forms in dict(merged["promotion_thresholds"]).items()
    }
    windows = tuple(
        Window(_month_day(a, "transfer_windows"), _month_day(b, "transfer_windows"))
        for a, b in merged["transfer_windows"]
    )
    scale = _scale(merged)
    paid_leave = merged["scholarship_leave_kinds_paid"]
    if not isinstance(paid_leave, list | tuple) or not all(
            k in ("medical", "military", "childcare") for k in paid_leave):
        raise PolicyError("scholarship_leave_kinds_paid: a list of leave kinds "
                          "(medical, military, childcare) is required")
    return PolicyValues(
        grading_scale=scale,
        admission_rule=merged["admission_rule"],
        admission_threshold=_decimal(merged, "admission_threshold"),
        admission_weight=admission_weight,
        exam_weight=exam_weight,
        exam_min_score=_decimal(merged, "exam_min_score"),
        f_below=_decimal(merged, "f_below"),
        attendance_absence_limit=_decimal(merged, "attendance_absence_limit"),
        grade_entry_hours_after_exam=_int(merged, "grade_entry_hours_after_exam"),
        credit_min_semester=_int(merged, "credit_min_semester"),
        credit_max_semester=_int(merged, "credit_max_semester"),
        credit_max_summer=_int(merged, "credit_max_summer"),
        add_drop_weeks=_int(merged, "add_drop_weeks"),
        min_group_size=_int(merged, "min_group_size"),
        min_group_size_summer=_int(merged, "min_group_size_summer"),
        promotion_thresholds=thresholds,
        transfer_windows=windows,
        leave_medical_months=_pair(merged, "leave_medical_months"),
        leave_military_months=_pair(merged, "leave_military_months"),
        leave_childcare_months=_pair(merged, "leave_childcare_months"),
        honours_min_gpa=_decimal(merged, "honours_min_gpa"),
        honours_min_letter=str(merged["honours_min_letter"]),
        scholarship_increase=_decimal(merged, "scholarship_increase"),
        scholarship_min_letter=_letter(doc, merged, "scholarship_min_letter", scale),
        scholarship_excellent_letter=_letter(doc, merged, "scholarship_excellent_letter",
                                             scale),
        scholarship_presidential_from_year=_int(merged, "scholarship_presidential_from_year"),
        scholarship_amounts=_amounts(merged, "scholarship_amounts"),
        scholarship_presidential_amounts=_amounts(merged, "scholarship_presidential_amounts"),
        scholarship_rounding=_scholarship_rounding(merged),
        scholarship_leave_kinds_paid=tuple(str(k) for k in paid_leave),
    )


DEFAULT_VALUES = parse({})
