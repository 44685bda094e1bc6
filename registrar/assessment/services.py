"""Grade entry, submission and lock, reopening, locked-grade changes and final results (§6).

Every operation checks the actor's permission, runs in one transaction and writes audit
events. Scores are Decimals 0–100; ratings given as parts are their exact mean rounded
half-up to 2 decimals for storage (policy/grading.py documents the rounding).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from registrar.audit import services as audit
from registrar.people.models import Student
from registrar.policy import grading
from registrar.policy.selectors import policy_for_year
from registrar.records import services as records
from registrar.records.models import AttemptKind
from registrar.registration.models import Registration, RegistrationState, Section

from .models import (
    ChangeKind,
    FinalResult,
    GradeChange,
    GradeEntry,
    GradeSheet,
    ReopenRequest,
    ReopenState,
    SheetKind,
    SheetState,
)


class GradingRefused(Exception):
    """Refused with a reason naming the field; nothing was changed."""

    def __init__(self, message: str, field: str = "", student: str = ""):
        self.field, self.student, self.message = field, student, message
        super().__init__(f"{student}: {message}" if student else message)


def _require(user: Any, perm: str, obj: Any = None) -> None:
    if not user.has_perm(perm, obj):
        raise PermissionDenied(_("You do not have permission to do this."))


# A number as typed: ASCII digits, a point (a comma is read as one), an optional exponent.
# Decimal() alone would also take "８５", "٨٥", "8_5", "NaN" and "Infinity".
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d{1,4})?", re.ASCII)


def parse_score(value: Any, field: str = "score") -> Decimal:
    """A score from user input: a number 0–100 with at most 2 decimals, comma or point."""
    text = str(value).strip().replace(",", ".")
    try:
        if not isinstance(value, Decimal | int) and not _NUMBER.fullmatch(text):
            raise ValueError
        score = Decimal(text)
    except (InvalidOperation, ValueError):
        shown = "".join(c if c.isprintable() else "?" for c in str(value)[:40])
        raise GradingRefused(_("“%(value)s” is not a number.") % {"value": shown},
                             field) from None
    if not score.is_finite() or score < 0 or score > 100:
        raise GradingRefused(_("A score must be between 0 and 100."), field)
    if score != score.quantize(grading.CENT):
        raise GradingRefused(_("A score has at most two decimals."), field)
    return score


# --- Sheets -------------------------------------------------------------------------------

@transaction.atomic
def open_sheets(section: Section, *, by: Any, rating_1_deadline: dt.datetime,
                rating_2_deadline: dt.datetime, exam_at: dt.datetime) -> list[GradeSheet]:
    """Create the R1, R2 and exam statements of a section with a line per enrolled student.
    The exam entry deadline follows the policy (default 24 hours after the exam)."""
    _require(by, "assessment.manage_sheets")
    policy = policy_for_year(section.period.year.start_year)
    exam_deadline = exam_at + dt.timedelta(hours=policy.grade_entry_hours_after_exam)
    students = list(Registration.objects.filter(section=section,
                                                state=RegistrationState.ENROLLED)
                    .values_list("student_id", flat=True))
    sheets = []
    for kind, deadline, at in ((SheetKind.RATING_1, rating_1_deadline, None),
                               (SheetKind.RATING_2, rating_2_deadline, None),
                               (SheetKind.EXAM, exam_deadline, exam_at)):
        sheet, created = GradeSheet.objects.get_or_create(
            section=section, kind=kind, defaults={"entry_deadline": deadline, "exam_at": at})
        if created:
            GradeEntry.objects.bulk_create(
                [GradeEntry(sheet=sheet, student_id=s) for s in students])
            audit.record(by, "sheet.opened", sheet, {"students": len(students),
                                                     "deadline": deadline})
        sheets.append(sheet)
    return sheets


def _entry_open(sheet: GradeSheet, now: dt.datetime) -> None:
    if sheet.state == SheetState.LOCKED:
        raise GradingRefused(_("The sheet is submitted and locked; a change needs an appeal "
                               "decision or a registrar correction."), "sheet")
    if sheet.state == SheetState.REOPENED:
        if sheet.reopened_until is None or now > sheet.reopened_until:
            raise GradingRefused(_("The reopening period has ended."), "sheet")
        return
    if now > sheet.entry_deadline:
        raise GradingRefused(_("The entry window closed at %(deadline)s.")
                             % {"deadline": timezone.localtime(sheet.entry_deadline)
                                .strftime("%d.%m.%Y %H:%M")}, "sheet")
    if sheet.exam_at is not None and now < sheet.exam_at:
        raise GradingRefused(_("Exam scores can be entered only after the exam."), "sheet")


def _ratings(section_id: int, student_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    rows: dict[int, dict[str, Any]] = {sid: {} for sid in student_ids}
    for entry in GradeEntry.objects.filter(
        sheet__section_id=section_id, student_id__in=list(rows),
        sheet__kind__in=[SheetKind.RATING_1, SheetKind.RATING_2],
    ).select_related("sheet"):
        rows[entry.student_id][entry.sheet.kind] = entry
    return rows


def admission_of(section: Section, student_id: int) -> grading.Admission | None:
    """None until both rating sheets are locked."""
    ratings = _ratings(section.pk, [student_id])[student_id]
    r1, r2 = ratings.get(SheetKind.RATING_1), ratings.get(SheetKind.RATING_2)
    if r1 is None or r2 is None or r1.sheet.state != SheetState.LOCKED or (
            r2.sheet.state != SheetState.LOCKED):
        return None
    policy = policy_for_year(section.period.year.start_year)
    return grading.admission(r1.score or grading.ZERO, r2.score or grading.ZERO, policy,
                             r2.absence_share or grading.ZERO)


def _blank(value: Any) -> bool:
    """No score: nothing or only spaces (as the grid's live check treats it)."""
    return value is None or (isinstance(value, str) and not value.strip())


def _apply_values(entry: GradeEntry, *, score: Any, parts: Any, absent: bool,
                  absence_share: Any, cheating: bool) -> None:
    sheet = entry.sheet
    name = entry.student.full_name
    try:
        if sheet.kind in (SheetKind.RATING_1, SheetKind.RATING_2):
            if absent:
                raise GradingRefused(_("“Absent” applies to exam statements only."), "absent")
            if parts:
                values = [parse_score(p, "parts") for p in parts]
                entry.parts = [str(v) for v in values]
                entry.score = grading.display(grading.rating(values))
            else:
                entry.parts = []
                entry.score = None if _blank(score) else parse_score(score)
            if not _blank(absence_share):
                text = str(absence_share).strip().replace(",", ".")
                if not isinstance(absence_share, Decimal) and not _NUMBER.fullmatch(text):
                    raise ValueError
                share = Decimal(text)
                # the column keeps three decimals; more would be rounded away silently
                if not 0 <= share <= 1 or share != share.quantize(Decimal("0.001")):
                    raise GradingRefused(_("Unexcused absence is a share between 0 and 1."),
                                         "absence_share")
                entry.absence_share = share
        else:
            entry.absent = absent
            entry.cheating = cheating
            entry.score = (grading.ZERO if absent else
                           None if _blank(score) else parse_score(score))
    except GradingRefused as refused:
        raise GradingRefused(refused.message, refused.field, name) from None
    except (InvalidOperation, ValueError):
        raise GradingRefused(_("Unexcused absence is a share between 0 and 1."),
                             "absence_share", name) from None


@transaction.atomic
def enter_scores(sheet: GradeSheet, rows: list[dict[str, Any]], *, by: Any,
                 now: dt.datetime | None = None) -> list[GradeEntry]:
    """Enter scores for several students at once (the grid or an XLSX upload); all or none.

    Each row: {"student_id", "score" | "parts", "absent", "absence_share", "cheating"}.
    """
    _require(by, "assessment.enter_grades", sheet)
    now = now or timezone.now()
    sheet = GradeSheet.objects.select_for_update().select_related(
        "section__period__year").get(pk=sheet.pk)
    _entry_open(sheet, now)
    entries = {e.student_id: e for e in sheet.entries.select_related("student")}
    request = (sheet.reopen_requests.filter(state=ReopenState.APPROVED).first()
               if sheet.state == SheetState.REOPENED else None)
    changed, changes, events = [], [], []
    for row in rows:
        entry = entries.get(int(row["student_id"]))
        if entry is None:
            raise GradingRefused(_("The student is not on this sheet."), "student_id")
        if sheet.kind in (SheetKind.EXAM, SheetKind.RESIT) and not row.get("absent"):
            admitted = admission_of(sheet.section, entry.student_id)
            if sheet.kind == SheetKind.EXAM and (admitted is None or not admitted.admitted):
                raise GradingRefused(_("The student is not admitted to the exam."), "score",
                                     entry.student.full_name)
        old = (entry.score, entry.absent)
        before = (entry.score, entry.absent, entry.absence_share, entry.cheating,
                  list(entry.parts))
        _apply_values(entry, score=row.get("score"), parts=row.get("parts"),
                      absent=bool(row.get("absent")), absence_share=row.get("absence_share"),
                      cheating=bool(row.get("cheating")))
        if (entry.score, entry.absent, entry.absence_share, entry.cheating,
                list(entry.parts)) == before:
            continue
        entry.entered_by, entry.entered_at = by, now
        changed.append(entry)
        if request is not None:
            changes.append(GradeChange(entry=entry, kind=ChangeKind.REOPENED, old_score=old[0],
                                       new_score=entry.score, old_absent=old[1],
                                       new_absent=entry.absent, reason=request.reason,
                                       changed_by=by))
        events.append(audit.event_for(by, "grade.entered", entry.student,
                                      {"sheet": str(sheet), "score": [old[0], entry.score]}))
    GradeEntry.objects.bulk_update(changed, ["score", "parts", "absent", "absence_share",
                                             "cheating", "entered_by", "entered_at"])
    GradeChange.objects.bulk_create(changes)
    audit.record_many(events)
    return changed


@transaction.atomic
def submit_sheet(sheet: GradeSheet, *, by: Any, now: dt.datetime | None = None) -> GradeSheet:
    """Submit and lock; an exam or resit sheet then produces the final results."""
    _require(by, "assessment.enter_grades", sheet)
    sheet = GradeSheet.objects.select_for_update().select_related(
        "section__period__year", "section__discipline").get(pk=sheet.pk)
    if sheet.state == SheetState.LOCKED:
        raise GradingRefused(_("The sheet is already submitted."), "sheet")
    entries = list(sheet.entries.select_related("student"))
    if sheet.kind == SheetKind.EXAM:
        locked = set(GradeSheet.objects.filter(
            section=sheet.section, kind__in=[SheetKind.RATING_1, SheetKind.RATING_2],
            state=SheetState.LOCKED).values_list("kind", flat=True))
        if len(locked) < 2:
            raise GradingRefused(_("Submit both rating statements before the exam statement."),
                                 "sheet")
    missing = [e.student.full_name for e in entries if e.score is None and not e.absent
               and _needs_score(sheet, e)]
    if missing:
        raise GradingRefused(_("Scores are missing for: %(names)s.")
                             % {"names": ", ".join(missing)}, "score")
    sheet.state = SheetState.LOCKED
    sheet.submitted_by, sheet.submitted_at = by, now or timezone.now()
    sheet.reopened_until = None
    sheet.save()
    audit.record(by, "sheet.locked", sheet, {"entries": len(entries)})
    if sheet.kind in (SheetKind.EXAM, SheetKind.RESIT):
        for entry in entries:
            compute_final(sheet.section, entry.student, by=by)
    else:
        # A rating sheet relocked after reopening changes results already computed.
        graded = set(FinalResult.objects.filter(section=sheet.section)
                     .values_list("student_id", flat=True))
        for entry in entries:
            if entry.student_id in graded:
                compute_final(sheet.section, entry.student, by=by)
    return sheet


def _needs_score(sheet: GradeSheet, entry: GradeEntry) -> bool:
    if sheet.kind != SheetKind.EXAM:
        return True
    admitted = admission_of(sheet.section, entry.student_id)
    return bool(admitted and admitted.admitted)


# --- Reopening ----------------------------------------------------------------------------

@transaction.atomic
def request_reopen(sheet: GradeSheet, *, by: Any, reason: str) -> ReopenRequest:
    _require(by, "assessment.request_reopen", sheet)
    sheet = GradeSheet.objects.select_for_update().get(pk=sheet.pk)
    if sheet.state != SheetState.LOCKED:
        raise GradingRefused(_("Only a locked sheet can be reopened."), "sheet")
    if not reason.strip():
        raise GradingRefused(_("Give the reason for reopening."), "reason")
    if sheet.reopen_requests.filter(state=ReopenState.PENDING).exists():
        raise GradingRefused(_("A reopening request for this sheet is already waiting."),
                             "sheet")
    request = ReopenRequest.objects.create(sheet=sheet, requested_by=by, reason=reason)
    audit.record(by, "sheet.reopen_requested", sheet, reason=reason)
    return request


@transaction.atomic
def decide_reopen(request: ReopenRequest, *, by: Any, approve: bool, hours: int = 48,
                  now: dt.datetime | None = None) -> ReopenRequest:
    """The dean approves (for a limited time) or rejects; either way it is logged."""
    request = ReopenRequest.objects.select_for_update().select_related("sheet__section").get(
        pk=request.pk)
    _require(by, "assessment.approve_reopen", request.sheet)
    if request.state != ReopenState.PENDING:
        raise GradingRefused(_("The request is already decided."), "request")
    if not 1 <= hours <= 168:
        raise GradingRefused(_("A sheet can be reopened for 1 to 168 hours."), "hours")
    now = now or timezone.now()
    request.state = ReopenState.APPROVED if approve else ReopenState.REJECTED
    request.decided_by, request.decided_at = by, now
    if approve:
        request.open_until = now + dt.timedelta(hours=hours)
        sheet = request.sheet
        sheet.state, sheet.reopened_until = SheetState.REOPENED, request.open_until
        sheet.save(update_fields=["state", "reopened_until"])
    request.save()
    audit.record(by, "sheet.reopen_approved" if approve else "sheet.reopen_rejected",
                 request.sheet, {"until": request.open_until}, reason=request.reason)
    return request


# --- Locked grades ------------------------------------------------------------------------

@transaction.atomic
def change_locked_grade(entry: GradeEntry, *, by: Any, new_score: Any, kind: str,
                        reason: str, minutes_number: str = "",
                        new_absent: bool = False) -> GradeChange:
    """§6: after the lock a grade changes only by an appeal decision (with minutes) or a
    registrar correction (with a reason); the old and new values are kept."""
    _require(by, "assessment.change_locked_grade", entry.sheet)
    entry = GradeEntry.objects.select_for_update().select_related(
        "sheet__section__period__year", "student").get(pk=entry.pk)
    if entry.sheet.state != SheetState.LOCKED:
        raise GradingRefused(_("The sheet is not locked; enter the score on the sheet."),
                             "sheet")
    if kind not in (ChangeKind.APPEAL, ChangeKind.CORRECTION):
        raise GradingRefused(_("A locked grade changes by appeal or correction only."), "kind")
    if kind == ChangeKind.APPEAL and not minutes_number.strip():
        raise GradingRefused(_("An appeal decision needs the commission's minutes number."),
                             "minutes_number")
    if not reason.strip():
        raise GradingRefused(_("Give the reason for the change."), "reason")
    score = grading.ZERO if new_absent else parse_score(new_score, "new_score")
    if (score, new_absent) == (entry.score, entry.absent):
        raise GradingRefused(_("The new score equals the current one."), "new_score")
    change = GradeChange.objects.create(
        entry=entry, kind=kind, old_score=entry.score, new_score=score,
        old_absent=entry.absent, new_absent=new_absent, minutes_number=minutes_number,
        reason=reason, changed_by=by)
    entry.score, entry.absent = score, new_absent
    entry.save(update_fields=["score", "absent"])
    audit.record(by, f"grade.{kind}", entry.student,
                 {"sheet": str(entry.sheet), "score": [change.old_score, score]},
                 reason=f"{minutes_number} {reason}".strip())
    if FinalResult.objects.filter(section=entry.sheet.section, student=entry.student).exists():
        compute_final(entry.sheet.section, entry.student, by=by)
    return change


# --- Final results ------------------------------------------------------------------------

def compute_final(section: Section, student: Student, *, by: Any) -> FinalResult:
    """The final statement line from the locked R1, R2 and exam (or resit) entries."""
    policy = policy_for_year(section.period.year.start_year)
    sheets = {s.kind: s for s in section.grade_sheets.all()}
    entries = {e.sheet.kind: e for e in GradeEntry.objects.filter(
        sheet__section=section, student=student).select_related("sheet")}
    r1 = entries[SheetKind.RATING_1].score or grading.ZERO
    r2 = entries[SheetKind.RATING_2].score or grading.ZERO
    absence = entries[SheetKind.RATING_2].absence_share or grading.ZERO
    ar = grading.admission_rating(r1, r2)
    admitted = grading.admission(r1, r2, policy, absence)
    resit = entries.get(SheetKind.RESIT)
    resit_done = resit is not None and sheets[SheetKind.RESIT].state == SheetState.LOCKED
    exam_entry = resit if resit_done else entries.get(SheetKind.EXAM)
    exam = exam_entry.score if exam_entry is not None else None
    if not admitted.admitted:
        result = grading.not_admitted(policy)
    elif exam_entry is not None and exam_entry.cheating:
        result = grading.Grade(*_lowest(policy), None, None, False, False)
    else:
        result = grading.grade(ar, exam or grading.ZERO, policy)
    if resit_done and not result.passed:
        # §6: FX allows one resit; failing it leaves F and a debt to re-study.
        result = grading.Grade(*_lowest(policy), result.final_score, result.rounded, False,
                               False)
    may_resit = result.may_resit and not resit_done
    final, created = FinalResult.objects.update_or_create(
        section=section, student=student,
        defaults=dict(
            r1=grading.display(r1), r2=grading.display(r2), admission_rating=grading.display(ar),
            admitted=admitted.admitted, not_admitted_reason=admitted.reason,
            exam=exam if admitted.admitted else None, resit=resit_done,
            final_score=(grading.display(result.final_score)
                         if result.final_score is not None else None),
            letter=result.letter, points=result.points, traditional=result.traditional,
            passed=result.passed, may_resit=may_resit,
        ),
    )
    previous = final.attempt
    if resit_done and previous is not None and previous.kind != AttemptKind.RESIT:
        records.supersede(previous, by=by, reason=_("replaced by the exam resit"))
        previous = None
    attempt = records.record_attempt(
        student=student, discipline=section.discipline, period=section.period,
        kind=(AttemptKind.RESIT if resit_done else AttemptKind.SUMMER
              if section.period.kind == "summer" else AttemptKind.REGULAR),
        final_score=final.final_score, letter=result.letter, points=result.points,
        passed=result.passed, may_resit=may_resit, by=by, replaces=previous,
    )
    if final.attempt_id != attempt.pk:
        final.attempt = attempt
        final.save(update_fields=["attempt"])
    return final


def _lowest(policy) -> tuple[str, Decimal, str]:
    band = grading.lowest_band(policy.grading_scale)
    return band.letter, band.points, band.traditional


@transaction.atomic
def open_resit(section: Section, *, by: Any, exam_at: dt.datetime) -> GradeSheet:
    """§6: FX → one exam resit without re-study; the sheet lists the FX students only."""
    _require(by, "assessment.manage_sheets")
    if GradeSheet.objects.filter(section=section, kind=SheetKind.RESIT).exists():
        raise GradingRefused(_("The resit of this section is already scheduled; only one resit "
                               "is allowed."), "section")
    students = list(FinalResult.objects.filter(section=section, may_resit=True)
                    .values_list("student_id", flat=True))
    if not students:
        raise GradingRefused(_("No student of this section may resit (no FX)."), "section")
    policy = policy_for_year(section.period.year.start_year)
    sheet = GradeSheet.objects.create(
        section=section, kind=SheetKind.RESIT, exam_at=exam_at,
        entry_deadline=exam_at + dt.timedelta(hours=policy.grade_entry_hours_after_exam))
    GradeEntry.objects.bulk_create([GradeEntry(sheet=sheet, student_id=s) for s in students])
    audit.record(by, "sheet.opened", sheet, {"students": len(students)})
    return sheet
