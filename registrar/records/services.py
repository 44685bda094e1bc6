"""Writing the academic history: attempts from final results, debts, and their clearing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from registrar.audit import services as audit
from registrar.curriculum.models import Discipline
from registrar.institution.models import AcademicPeriod
from registrar.people.models import Student

from . import gpa
from .models import AcademicDebt, Attempt, AttemptKind, DebtState


class RetakeRefused(Exception):
    pass


def has_passed(student_id: int, discipline_id: int) -> bool:
    return Attempt.objects.filter(student_id=student_id, discipline_id=discipline_id,
                                  passed=True).exists()


def check_retake_allowed(student: Student, discipline: Discipline) -> None:
    """§6: no retake to raise a positive grade."""
    if has_passed(student.pk, discipline.pk):
        raise RetakeRefused(_("%(code)s is already passed; a positive grade cannot be retaken to "
                              "raise it.") % {"code": discipline.code})


@transaction.atomic
def record_attempt(*, student: Student, discipline: Discipline, period: AcademicPeriod,
                   kind: str, final_score: Decimal | None, letter: str, points: Decimal,
                   passed: bool, may_resit: bool, by: Any,
                   replaces: Attempt | None = None) -> Attempt:
    """Write (or, for a recomputed result, rewrite) an attempt; open or clear the debt."""
    values = dict(
        title_kk=discipline.name_kk, title_ru=discipline.name_ru, title_en=discipline.name_en,
        credits=discipline.credits, final_score=final_score, letter=letter, points=points,
        passed=passed,
    )
    if replaces is not None:
        before = {k: getattr(replaces, k) for k in ("final_score", "letter", "points", "passed")}
        for key, value in values.items():
            setattr(replaces, key, value)
        replaces.save()
        attempt = replaces
        audit.record(by, "attempt.recomputed", student,
                     {"discipline": discipline.code, "before": before,
                      "after": {"letter": letter, "final_score": final_score}})
    else:
        attempt = Attempt.objects.create(student=student, discipline=discipline, period=period,
                                         kind=kind, **values)
        audit.record(by, "attempt.recorded", student,
                     {"discipline": discipline.code, "letter": letter, "kind": kind})
    _sync_debt(attempt, may_resit=may_resit, by=by)
    gpa.recompute([student.pk])
    return attempt


def _sync_debt(attempt: Attempt, *, may_resit: bool, by: Any) -> None:
    open_debt = AcademicDebt.objects.filter(student_id=attempt.student_id,
                                            discipline_id=attempt.discipline_id,
                                            state=DebtState.OPEN).first()
    if attempt.passed:
        if open_debt is not None:
            open_debt.state = DebtState.CLEARED
            open_debt.cleared_by = attempt
            open_debt.save(update_fields=["state", "cleared_by"])
            audit.record(by, "debt.cleared", attempt.student, {"discipline": attempt.title_en})
        return
    if not may_resit and open_debt is None:
        AcademicDebt.objects.create(student_id=attempt.student_id,
                                    discipline_id=attempt.discipline_id, failed_attempt=attempt)
        audit.record(by, "debt.opened", attempt.student, {"discipline": attempt.title_en})
    if may_resit and open_debt is not None and open_debt.failed_attempt_id == attempt.pk:
        # A recomputation turned an F into an FX: the resit comes first.
        open_debt.delete()


def supersede(attempt: Attempt, *, by: Any, reason: str) -> None:
    """An FX attempt replaced by its resit no longer counts in GPA (kept in the history)."""
    if attempt.counts_in_gpa:
        attempt.counts_in_gpa = False
        attempt.save(update_fields=["counts_in_gpa"])
        gpa.recompute([attempt.student_id])
        audit.record(by, "attempt.superseded", attempt.student,
                     {"discipline": attempt.title_en, "letter": attempt.letter}, reason=reason)


@transaction.atomic
def recognise_transfer_credit(student: Student, discipline: Discipline, *,
                              period: AcademicPeriod, by: Any, source: str,
                              letter: str = "") -> Attempt:
    """Credit recognised from another university or academic mobility (§3, §6): the credits
    are earned, the mark is kept as it was given, and it does not count in GPA."""
    from django.core.exceptions import PermissionDenied

    if not by.has_perm("records.recognise_credit", student):
        raise PermissionDenied(_("You do not have permission to do this."))
    if not source.strip():
        raise RetakeRefused(_("Name the document the credit is recognised from."))
    check_retake_allowed(student, discipline)
    attempt = Attempt.objects.create(
        student=student, discipline=discipline, period=period, kind=AttemptKind.TRANSFER,
        title_kk=discipline.name_kk, title_ru=discipline.name_ru, title_en=discipline.name_en,
        credits=discipline.credits, final_score=None, letter=(letter or "P")[:4],
        points=Decimal("0"), passed=True, counts_in_gpa=False)
    audit.record(by, "attempt.recognised", student,
                 {"discipline": discipline.code, "letter": attempt.letter}, reason=source)
    _sync_debt(attempt, may_resit=False, by=by)
    gpa.recompute([student.pk])
    return attempt


__all__ = ["AttemptKind", "check_retake_allowed", "recognise_transfer_credit",
           "record_attempt", "supersede"]
