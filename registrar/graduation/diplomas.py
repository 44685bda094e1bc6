"""Issuing the diploma and the diploma supplement (§11).

Both are `documents.IssuedDocument` rows: a JSON snapshot of exactly what the document shows,
its SHA-256 and a random verification code, printed with a QR code of the public verification
page. Both are issued only to a graduate (status "graduated", which only an applied graduation
order gives, §9), by the registrar, each on one strict accountability blank form taken from
`registrar.blanks.services.issue_form` in the same transaction: the document, the form and the
audit events are written together or not at all.

- The diploma (series BD for a bachelor, MD for a master, from the blank form) is printed in
  Kazakh, Russian and English on one form, "with honours" when the §11 verdict holds.
- The diploma supplement follows the European 8-section structure (holder, qualification,
  level, contents and results, function, additional information, certification, national
  higher education system) in the three languages, one part each, on one form; it lists every
  discipline passed with its credits (ECTS), letter, points and traditional grade, and the
  final attestation. It is issued after the diploma and names it.

`language` is the language of the verification page the QR code opens (and of the snapshot's
top-level holder, terms and totals, which the documents app's verification view formats).
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from registrar.audit import services as audit
from registrar.contingent.models import StatusChange
from registrar.documents.models import DocumentKind, IssuedDocument, new_code
from registrar.documents.selectors import attempt_mark, traditional_label
from registrar.institution.models import Degree, Language, StudyForm
from registrar.people.choices import StudentStatus
from registrar.people.models import Student
from registrar.policy.gpa import display
from registrar.policy.selectors import academic_start_year, policy_for_year
from registrar.policy.values import PolicyValues
from registrar.records.models import Attempt

from .models import AttestationKind
from .selectors import AttestationStatus, RecordFigures, student_verdict
from .services import require

LANGUAGES = ("kk", "ru", "en")
SCHEMA_VERSION = 1
CODE_ATTEMPTS = 5


class DiplomaRefused(Exception):
    """The document cannot be issued; the message says why. Nothing was written."""


# --- What the blank forms call the levels ------------------------------------------------------

def form_type_for(degree: str) -> str | None:
    """The blank form type of a degree's diploma (None: not issued here)."""
    from registrar.blanks.models import FormType

    types: dict[str, str] = {Degree.BACHELOR: FormType.DIPLOMA_BACHELOR,
                             Degree.MASTER: FormType.DIPLOMA_MASTER}
    return types.get(degree)


def supplement_form_type() -> str:
    from registrar.blanks.models import FormType

    return str(FormType.SUPPLEMENT)


def _issue_form(*, form_type: str, student: Student, by: Any, code: str) -> Any:
    from registrar.blanks import services as blanks

    try:
        return blanks.issue_form(form_type=form_type, student=student, by=by,
                                 document_code=code)
    except blanks.BlankRefused as refusal:
        raise DiplomaRefused(str(refusal)) from refusal


# --- Lookups ---------------------------------------------------------------------------------

def valid_documents(student: Student, kind: str) -> list[IssuedDocument]:
    return list(IssuedDocument.objects.filter(student=student, kind=kind,
                                              revoked_at__isnull=True).order_by("issued_at"))


def graduation_of(student: Student) -> StatusChange | None:
    """The applied order item that graduated the student (the latest, if ever several)."""
    return (StatusChange.objects.filter(student=student, status=StudentStatus.GRADUATED)
            .select_related("order_item__order").order_by("-effective_date", "-id").first())


def _date(value: Any) -> str:
    return value.isoformat() if value else ""


# --- Content ---------------------------------------------------------------------------------

def _names(student: Student, language: str) -> dict[str, str]:
    last = {"kk": student.last_name_kk, "en": student.last_name_en}.get(language, "") \
        or student.last_name_ru
    if language == "en" and student.last_name_en:
        given = student.first_name_en
    elif language == "kk" and student.last_name_kk:
        given = " ".join(p for p in (student.first_name_kk, student.patronymic_kk) if p)
    else:
        given = " ".join(p for p in (student.first_name_ru, student.patronymic_ru) if p)
    return {"name": student.full_name_in(language), "surname": last, "given_names": given}


def qualification_name(degree: str, programme_title: str) -> str:
    """The qualification awarded, in the active language."""
    if degree == Degree.MASTER:
        return _("Master in %(programme)s") % {"programme": programme_title}
    if degree == Degree.DOCTORATE:
        return _("Doctor of Philosophy (PhD) in %(programme)s") % {"programme": programme_title}
    return _("Bachelor in %(programme)s") % {"programme": programme_title}


def degree_title(degree: str) -> str:
    if degree == Degree.MASTER:
        return pgettext("degree awarded", "Master")
    if degree == Degree.DOCTORATE:
        return pgettext("degree awarded", "Doctor of Philosophy (PhD)")
    return pgettext("degree awarded", "Bachelor")


def _holder(student: Student, language: str, *, with_birth: bool) -> dict[str, Any]:
    programme = student.programme
    holder: dict[str, Any] = {
        **_names(student, language),
        "programme_code": programme.code,
        "programme_title": programme.name_in(language),
        "faculty": programme.department.faculty.name_in(language),
        "degree": programme.degree,
        "degree_label": str(Degree(programme.degree).label),
        "study_form": programme.study_form,
        "study_form_label": str(StudyForm(programme.study_form).label),
    }
    if with_birth:
        holder.update({"birth_date": student.birth_date.isoformat(), "iin": student.iin})
    # The keys the documents app's generic transcript views read; a diploma shows neither
    # the IIN nor a group, so they are blank there.
    holder.setdefault("iin", "")
    holder.setdefault("birth_date", None)
    holder.update({"group": "", "status": student.status,
                   "status_label": str(StudentStatus(student.status).label)})
    return holder


def _attestation_summary(attestation: AttestationStatus) -> dict[str, Any]:
    passed = [r for r in attestation.results if r.passed]
    last = max(passed, key=lambda r: (r.event.held_on, r.pk)) if passed else None
    return {"date": _date(last.event.held_on) if last else "",
            "protocol": last.protocol_number if last else ""}


def _base(student: Student, *, kind: str, language: str, code: str) -> dict[str, Any]:
    with translation.override(language):
        return {
            "schema": SCHEMA_VERSION,
            "kind": kind,
            "kind_label": str(DocumentKind(kind).label),
            "language": language,
            "university": settings.UNIVERSITY_NAME.get(language, ""),
            "code": code,
        }


def diploma_content(student: Student, *, language: str, code: str, form: Any,
                    figures: RecordFigures, attestation: AttestationStatus, with_honours: bool,
                    graduation: StatusChange, issued_on: str) -> dict[str, Any]:
    """Exactly what the diploma shows, in the three languages (JSON values)."""
    order = graduation.order_item.order
    content = _base(student, kind=DocumentKind.DIPLOMA, language=language, code=code)
    texts: dict[str, dict[str, Any]] = {}
    for lang in LANGUAGES:
        with translation.override(lang):
            holder = _holder(student, lang, with_birth=False)
            texts[lang] = {
                "title": pgettext("document", "DIPLOMA"),
                "university": settings.UNIVERSITY_NAME.get(lang, ""),
                "name": holder["name"],
                "programme_title": holder["programme_title"],
                "faculty": holder["faculty"],
                "degree_title": degree_title(student.programme.degree),
                "qualification": qualification_name(student.programme.degree,
                                                     holder["programme_title"]),
                "honours": pgettext("document", "with honours") if with_honours else "",
            }
    with translation.override(language):
        content.update({
            "title": texts[language]["title"],
            "holder": _holder(student, language, with_birth=False),
            # The verification view of the documents app formats these (a diploma shows no
            # table of results and no GPA).
            "terms": [], "scale": [],
            "totals": {"credits_earned": figures.credits_earned + attestation.credits,
                       "cumulative_gpa": None},
        })
    content.update({
        "texts": texts,
        "diploma": {
            "series": form.series, "number": f"{form.number:07d}", "serial": form.serial,
            "registration_number": form.receipt_number, "degree": student.programme.degree,
            "programme_code": student.programme.code, "honours": with_honours,
            "issued_on": issued_on,
            "graduation_order": {"number": order.number, "signed_on": _date(order.signed_on)},
            "graduated_on": _date(graduation.effective_date),
            "attestation": _attestation_summary(attestation),
        },
    })
    return content


def _scale(policy: PolicyValues) -> list[dict[str, Any]]:
    return [{"letter": b.letter, "points": str(b.points), "min": b.min_score,
             "max": b.max_score, "traditional": b.traditional,
             "traditional_label": str(traditional_label(b.traditional))}
            for b in sorted(policy.grading_scale, key=lambda b: -b.min_score)]


def _terms(student: Student, language: str) -> list[dict[str, Any]]:
    """Every discipline passed (the attempt that earned its credits), by term."""
    attempts = (Attempt.objects.filter(student=student, passed=True)
                .select_related("period__year", "discipline")
                .order_by("period__starts_on", "period_id", "discipline__code", "id"))
    policies: dict[int, PolicyValues] = {}
    by_term: OrderedDict[int, dict[str, Any]] = OrderedDict()
    for a in attempts:
        start_year = a.period.year.start_year
        if start_year not in policies:
            policies[start_year] = policy_for_year(start_year)
        band = next((b for b in policies[start_year].grading_scale if b.letter == a.letter),
                    None)
        traditional = band.traditional if band else ""
        term = by_term.setdefault(a.period_id, {
            "period_id": a.period_id,
            "title": f"{a.period.year} · {a.period.get_kind_display()}",
            "rows": [], "term_gpa": None, "cumulative_gpa": None})
        term["rows"].append({
            "code": a.discipline.code,
            "title": getattr(a, f"title_{language}", "") or a.title_ru,
            "credits": a.credits,
            "score": None,
            "letter": a.letter,
            "points": str(a.points),
            "traditional": traditional,
            "traditional_label": str(traditional_label(traditional)) if traditional else "",
            "kind": a.kind,
            "mark": attempt_mark(a.kind, a.counts_in_gpa),
        })
    terms = list(by_term.values())
    for term in terms:
        term["credits"] = sum(r["credits"] for r in term["rows"])
    return terms


def _attestation_rows(attestation: AttestationStatus, language: str) -> list[dict[str, Any]]:
    return [{
        "kind": r.event.kind,
        "kind_label": str(AttestationKind(r.event.kind).label),
        "title": r.event.title_in(language),
        "held_on": _date(r.event.held_on),
        "credits": r.event.credits,
        "score": str(r.score),
        "letter": r.letter,
        "points": str(r.points),
        "traditional_label": str(traditional_label(r.traditional)),
        "protocol": r.protocol_number,
        "passed": r.passed,
    } for r in attestation.results]


def _thesis(attestation: AttestationStatus, language: str) -> dict[str, str] | None:
    defences = [r for r in attestation.results
                if r.event.kind == AttestationKind.THESIS_DEFENCE and r.passed]
    if not defences:
        return None
    last = defences[-1]
    return {"title": last.thesis_title_in(language), "supervisor": last.supervisor,
            "reviewer": last.reviewer}


def _level(degree: str, years: int, credits: int) -> dict[str, str]:
    if degree == Degree.MASTER:
        level = _("Second cycle of higher education (master's degree); level 7 of the "
                  "National and European Qualifications Frameworks")
        access = _("A bachelor's degree")
        further = _("Access to doctoral (PhD) studies")
    else:
        level = _("First cycle of higher education (bachelor's degree); level 6 of the "
                  "National and European Qualifications Frameworks")
        access = _("General secondary or technical and vocational education, with the "
                   "results of the Unified National Testing")
        further = _("Access to second-cycle (master's) studies")
    length = _("%(years)d years of full-time study, %(credits)d credits (ECTS)") % {
        "years": years, "credits": credits}
    return {"level": level, "length": length, "access": access, "further": further}


def supplement_content(student: Student, *, language: str, code: str, form: Any,
                       diploma: IssuedDocument, figures: RecordFigures,
                       attestation: AttestationStatus, with_honours: bool,
                       graduation: StatusChange, issued_on: str) -> dict[str, Any]:
    """Exactly what the supplement shows: eight sections in each of the three languages."""
    programme = student.programme
    policy = policy_for_year(academic_start_year(graduation.effective_date))
    content = _base(student, kind=DocumentKind.DIPLOMA_SUPPLEMENT, language=language, code=code)
    total_credits = figures.credits_earned + attestation.credits
    gpa = display(figures.cumulative_gpa)
    parts: dict[str, dict[str, Any]] = {}
    for lang in LANGUAGES:
        with translation.override(lang):
            holder = _holder(student, lang, with_birth=True)
            level = _level(programme.degree, programme.duration_years, programme.total_credits)
            terms = _terms(student, lang)
            parts[lang] = {
                "title": pgettext("document", "DIPLOMA SUPPLEMENT"),
                "university": settings.UNIVERSITY_NAME.get(lang, ""),
                "holder": holder,
                "qualification": {
                    "name": qualification_name(programme.degree, holder["programme_title"]),
                    "title": degree_title(programme.degree),
                    "field": f"{programme.code} {holder['programme_title']}",
                    "institution": settings.UNIVERSITY_NAME.get(lang, ""),
                    "status": _("Higher education institution of the Republic of Kazakhstan, "
                                "licensed by the Ministry of Science and Higher Education"),
                    "language": str(Language(programme.language).label),
                },
                "level": level,
                "contents": {
                    "mode": str(StudyForm(programme.study_form).label),
                    "requirements": _(
                        "%(credits)d credits (ECTS) of the curriculum: general, basic and major "
                        "disciplines, practices and the final state attestation; one credit is "
                        "30 academic hours of student work.") % {
                            "credits": programme.total_credits},
                    "terms": terms,
                    "attestation": _attestation_rows(attestation, lang),
                    "scale": _scale(policy),
                    "credits_earned": total_credits,
                    "disciplines": sum(len(t["rows"]) for t in terms),
                    "gpa": str(gpa) if gpa is not None else None,
                    "classification": (pgettext("document", "with honours") if with_honours
                                       else ""),
                },
                "function": {
                    "further": level["further"],
                    "professional": _("The qualification gives the right to work in the "
                                      "field of the educational programme."),
                },
                "additional": {
                    "thesis": _thesis(attestation, lang),
                    "sources": settings.UNIVERSITY_NAME.get(lang, ""),
                },
                "certification": {
                    "date": issued_on,
                    "diploma": diploma.content.get("diploma", {}).get("serial", ""),
                },
            }
    with translation.override(language):
        primary = parts[language]
        content.update({
            "title": primary["title"],
            "holder": primary["holder"],
            "terms": primary["contents"]["terms"],
            "scale": primary["contents"]["scale"],
            "totals": {"credits_earned": total_credits,
                       "cumulative_gpa": str(gpa) if gpa is not None else None,
                       "disciplines": primary["contents"]["disciplines"]},
        })
    content.update({
        "parts": parts,
        "diploma": {"serial": diploma.content.get("diploma", {}).get("serial", ""),
                    "code": diploma.code, "honours": with_honours},
        "blank": {"serial": form.serial, "registration_number": form.receipt_number},
        "graduated_on": _date(graduation.effective_date),
        "issued_on": issued_on,
    })
    return content


# --- Issuing -----------------------------------------------------------------------------------

def _check(student: Student, *, by: Any, language: str) -> StatusChange:
    require(by, "graduation.issue_diploma", student)
    if language not in Language.values:
        raise DiplomaRefused(_("The document language must be Kazakh, Russian or English."))
    if student.status != StudentStatus.GRADUATED:
        raise DiplomaRefused(
            _("A diploma is issued only to a graduate: %(name)s is “%(status)s”. The "
              "graduation order must be applied first.")
            % {"name": student.full_name, "status": student.get_status_display()})
    graduation = graduation_of(student)
    if graduation is None:
        raise DiplomaRefused(_("No applied graduation order names %(name)s.")
                             % {"name": student.full_name})
    return graduation


def _free_code() -> str:
    for _attempt in range(CODE_ATTEMPTS):
        code = new_code()
        if not IssuedDocument.objects.filter(code=code).exists():
            return code
    raise DiplomaRefused("no free verification code")  # 2^60 codes: never in practice


def _create(student: Student, *, kind: str, language: str, code: str, by: Any,
            content: dict[str, Any]) -> IssuedDocument:
    try:
        with transaction.atomic():
            return IssuedDocument.objects.create(
                kind=kind, student=student, language=language, code=code,
                issued_at=timezone.now(), issued_by=by if getattr(by, "pk", None) else None,
                content=content)
    except IntegrityError as exc:  # the code was taken in between: refuse, nothing written
        raise DiplomaRefused(_("The document could not be issued; try again.")) from exc


@transaction.atomic
def issue_diploma(student: Student, *, by: Any, language: str = "ru") -> IssuedDocument:
    """Issue the graduate's diploma on the next blank form of their level (BD, MD)."""
    student = (Student.objects.select_for_update(of=("self",))
               .select_related("programme__department__faculty").get(pk=student.pk))
    graduation = _check(student, by=by, language=language)
    form_type = form_type_for(student.programme.degree)
    if form_type is None:
        raise DiplomaRefused(_("Diplomas of the degree “%(degree)s” are not issued here.")
                             % {"degree": student.programme.get_degree_display()})
    existing = valid_documents(student, DocumentKind.DIPLOMA)
    if existing:
        raise DiplomaRefused(
            _("%(name)s already has the diploma %(code)s; revoke it (and write off its form) "
              "before issuing a duplicate.") % {"name": student.full_name,
                                                 "code": existing[0].code})
    start_year = academic_start_year(graduation.effective_date)
    figures, attestation, verdict = student_verdict(student, start_year)
    code = _free_code()
    form = _issue_form(form_type=form_type, student=student, by=by, code=code)
    issued_on = timezone.localdate().isoformat()
    content = diploma_content(student, language=language, code=code, form=form,
                              figures=figures, attestation=attestation,
                              with_honours=verdict.eligible, graduation=graduation,
                              issued_on=issued_on)
    document = _create(student, kind=DocumentKind.DIPLOMA, language=language, code=code, by=by,
                       content=content)
    audit.record(by, "document.issued", student, {
        "kind": DocumentKind.DIPLOMA, "code": code, "language": language,
        "serial": form.serial, "with_honours": verdict.eligible,
        "honours_refused": list(verdict.codes), "content_sha256": document.content_sha256})
    return document


@transaction.atomic
def issue_supplement(student: Student, *, by: Any, language: str = "ru") -> IssuedDocument:
    """Issue the graduate's diploma supplement (after the diploma) on a supplement form."""
    student = (Student.objects.select_for_update(of=("self",))
               .select_related("programme__department__faculty").get(pk=student.pk))
    graduation = _check(student, by=by, language=language)
    diplomas = valid_documents(student, DocumentKind.DIPLOMA)
    if not diplomas:
        raise DiplomaRefused(_("Issue the diploma first: the supplement is valid only with "
                               "it."))
    existing = valid_documents(student, DocumentKind.DIPLOMA_SUPPLEMENT)
    if existing:
        raise DiplomaRefused(
            _("%(name)s already has the diploma supplement %(code)s; revoke it (and write off "
              "its form) before issuing a duplicate.") % {"name": student.full_name,
                                                         "code": existing[0].code})
    diploma = diplomas[-1]
    start_year = academic_start_year(graduation.effective_date)
    figures, attestation, _verdict = student_verdict(student, start_year)
    with_honours = bool(diploma.content.get("diploma", {}).get("honours"))
    code = _free_code()
    form = _issue_form(form_type=supplement_form_type(), student=student, by=by, code=code)
    issued_on = timezone.localdate().isoformat()
    content = supplement_content(student, language=language, code=code, form=form,
                                 diploma=diploma, figures=figures, attestation=attestation,
                                 with_honours=with_honours, graduation=graduation,
                                 issued_on=issued_on)
    document = _create(student, kind=DocumentKind.DIPLOMA_SUPPLEMENT, language=language,
                       code=code, by=by, content=content)
    audit.record(by, "document.issued", student, {
        "kind": DocumentKind.DIPLOMA_SUPPLEMENT, "code": code, "language": language,
        "serial": form.serial, "diploma": diploma.code,
        "content_sha256": document.content_sha256})
    return document
