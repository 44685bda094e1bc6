"""A transcript as EMREX ELMO XML and as PESC College Transcript XML (issue 9).

Both are built from an issued document's content snapshot (`IssuedDocument.content`, made by
`documents.selectors.transcript_data`), never from the live records, so an XML export says
exactly what the issued transcript says, however often it is downloaded. Only the term dates a
snapshot does not hold (a term's end) are read from the term itself.

ELMO (`elmo_xml`): one report by the university; the programme is a `Degree Programme`
learning opportunity whose parts are the disciplines, one per attempt, each with its term,
start date, ECTS credits (in Kazakhstan one national credit is one ECTS credit: 30 hours of
student work), letter grade in the university's grading scheme, status (passed / failed) and
the final 0–100 score in an extension. The programme instance carries the credits earned; the
cumulative and per-term GPA are in the programme's description and in an extension
(namespace `EXTENSION_NS`); so are the issued document's code, verification page and content
hash, for the receiver to check the original.

PESC (`pesc_xml`): `CollegeTranscript` with `TransmissionData`, the `Student`'s `Person`
(name, birth date, the IIN as an agency identifier) and one `AcademicRecord`: the cumulative
`AcademicSummary` (GPA on the 0–4 scale, credits earned) and one `AcademicSession` per term with
its `Course` rows and the term's GPA.

`validate` checks a document against the official schemas (kept as test fixtures, see
tests/fixtures/standards/README.md); the ELMO schema imports its dependencies by web address,
which `ELMO_SCHEMA_LOCATIONS` maps to the local copies (these machines are offline).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from lxml import etree

from registrar.curriculum.models import HOURS_PER_CREDIT
from registrar.documents.models import RECORD_KINDS, IssuedDocument
from registrar.documents.printing import verification_url
from registrar.institution.models import AcademicPeriod

ELMO_NS = "https://github.com/emrex-eu/elmo-schemas/tree/v1"
XML_NS = "http://www.w3.org/XML/1998/namespace"
EXTENSION_NS = "urn:registrar:elmo-extension:1"
PESC_COLTRN_NS = "urn:org:pesc:message:CollegeTranscript:v1.8.0"
PESC_ACREC_NS = "urn:org:pesc:sector:AcademicRecord:v1.13.0"
PESC_CORE_NS = "urn:org:pesc:core:CoreMain:v1.19.0"

GRADING_SCHEME_ID = "kz-letter"
PESC_GRADE_SCALE = "KZ"  # PESC allows a code of at most 3 characters
GPA_MAX = Decimal("4.00")
COUNTRY = "KZ"

# The web addresses the ELMO schemas import, and where the local copies lie relative to the
# folder of `schema.xsd`.
ELMO_SCHEMA_LOCATIONS = {
    "http://www.w3.org/2001/03/xml.xsd": "references/xml.xsd",
    "https://raw.githubusercontent.com/emrex-eu/elmo-schemas/v1/references/"
    "xmldsig-core-schema.xsd": "references/xmldsig-core-schema.xsd",
    "https://raw.githubusercontent.com/emrex-eu/elmo-schemas/v1/references/"
    "EUROPASS_ISOCountries_V1.1.xsd": "references/EUROPASS_ISOCountries_V1.1.xsd",
    "https://raw.githubusercontent.com/erasmus-without-paper/ewp-specs-types-address/"
    "stable-v1/schema.xsd": "references/ewp-address/schema.xsd",
    "https://raw.githubusercontent.com/erasmus-without-paper/ewp-specs-architecture/"
    "stable-v1/common-types.xsd": "references/ewp-architecture/common-types.xsd",
}

EQF_LEVEL = {"bachelor": "6", "master": "7", "doctorate": "8"}
PESC_LEVEL = {"bachelor": "Undergraduate", "master": "Graduate", "doctorate": "Graduate"}
PESC_SESSION_TYPE = {"autumn": "Semester", "spring": "Semester", "summer": "SummerSession"}
PESC_CREDIT_BASIS = {"transfer": "Equivalence"}


class XmlExportRefused(Exception):
    """The document is not a transcript (or certificate) this module can express."""


def _check(document: IssuedDocument) -> dict[str, Any]:
    content = document.content or {}
    if document.kind not in RECORD_KINDS or not isinstance(content.get("terms"), list):
        raise XmlExportRefused(_("Only a transcript or an academic certificate can be exported "
                                 "as ELMO or PESC XML."))
    return content


# --- Values ---------------------------------------------------------------------------------

def _decimal(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _dec(value: Decimal) -> str:
    """A decimal without exponent or trailing zeros: 3.870 → "3.87", 5.00 → "5"."""
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f")


def _iso(moment: dt.datetime) -> str:
    return timezone.localtime(moment).isoformat(timespec="seconds")


def _names(holder: Mapping[str, Any]) -> tuple[str, str]:
    """(given names, family name) from the snapshot's full name and surname."""
    full = str(holder.get("name") or "").strip()
    surname = str(holder.get("surname") or "").strip()
    if surname and full.startswith(surname):
        given = full[len(surname):].strip()
    else:
        parts = full.split(" ", 1)
        surname, given = (parts[0], parts[1] if len(parts) > 1 else "") if not surname else (
            surname, full)
    return (given or surname or "-"), (surname or full or "-")


def _term_ends(terms: list[dict[str, Any]]) -> dict[int, dt.date]:
    ids = [t.get("period_id") for t in terms if isinstance(t.get("period_id"), int)]
    return dict(AcademicPeriod.objects.filter(pk__in=ids).values_list("pk", "ends_on"))


def _issuer_id() -> str:
    """The university's SCHAC home organisation: settings.INTEROP_SCHAC_CODE, else the host of
    PUBLIC_BASE_URL."""
    code = getattr(settings, "INTEROP_SCHAC_CODE", "")
    return code or urlparse(getattr(settings, "PUBLIC_BASE_URL", "")).hostname or "localhost"


def _gpa_sentence(content: Mapping[str, Any]) -> str:
    totals = content.get("totals") or {}
    gpa = totals.get("cumulative_gpa")
    return _("Cumulative GPA %(gpa)s on the 0–4 scale; %(credits)s ECTS credits earned.") % {
        "gpa": gpa if gpa is not None else "—", "credits": totals.get("credits_earned", 0)}


# --- ELMO -----------------------------------------------------------------------------------

def _e(parent: Any, tag: str, text: Any = None, ns: str = ELMO_NS, **attrs: str) -> Any:
    element = etree.SubElement(parent, f"{{{ns}}}{tag}", **attrs)
    if text is not None:
        element.text = str(text)
    return element


def _lang(element: Any, language: str) -> Any:
    element.set(f"{{{XML_NS}}}lang", language)
    return element


def elmo_tree(document: IssuedDocument, *, now: dt.datetime | None = None) -> Any:
    content = _check(document)
    language = str(content.get("language") or document.language)
    holder = content.get("holder") or {}
    terms = content.get("terms") or []
    ends = _term_ends(terms)
    root = etree.Element(f"{{{ELMO_NS}}}elmo",
                         nsmap={None: ELMO_NS, "xml": XML_NS, "reg": EXTENSION_NS})
    _e(root, "generatedDate", _iso(now or timezone.now()))
    learner = _e(root, "learner")
    if holder.get("iin"):
        _e(learner, "identifier", holder["iin"], type="nationalIdentifier")
    _e(learner, "identifier", document.student_id, type="local")
    given, family = _names(holder)
    _e(learner, "givenNames", given)
    _e(learner, "familyName", family)
    if holder.get("birth_date"):
        _e(learner, "bday", holder["birth_date"])

    report = _e(root, "report")
    issuer = _e(report, "issuer")
    _e(issuer, "country", COUNTRY)
    _e(issuer, "identifier", _issuer_id(), type="schac")
    names = getattr(settings, "UNIVERSITY_NAME", {}) or {}
    titles = {language: content.get("university") or names.get(language, "")}
    titles.update({k: v for k, v in names.items() if k not in titles and v})
    for lang, title in titles.items():
        if title:
            _lang(_e(issuer, "title", title), lang)
    _e(issuer, "url", getattr(settings, "PUBLIC_BASE_URL", "") or f"https://{_issuer_id()}")

    with translation.override(language):
        programme = _e(report, "learningOpportunitySpecification")
        _e(programme, "identifier", holder.get("programme_code") or "-", type="local")
        _lang(_e(programme, "title", holder.get("programme_title") or
                 holder.get("programme_code") or "-"), language)
        _e(programme, "type", "Degree Programme")
        _lang(_e(programme, "description", _gpa_sentence(content)), language)
        instance = _e(_e(programme, "specifies"), "learningOpportunityInstance")
        if terms and terms[0].get("starts_on"):
            _e(instance, "start", terms[0]["starts_on"])
        _e(instance, "status", "passed" if holder.get("status") == "graduated" else "in-progress")
        credit = _e(instance, "credit")
        _e(credit, "scheme", "ECTS")
        _e(credit, "value", (content.get("totals") or {}).get("credits_earned", 0))
        if holder.get("degree") in EQF_LEVEL:
            level = _e(instance, "level")
            _e(level, "type", "EQF")
            _e(level, "value", EQF_LEVEL[holder["degree"]])
        extension = _e(instance, "extension")
        gpa = (content.get("totals") or {}).get("cumulative_gpa")
        if gpa is not None:
            _e(extension, "cumulativeGpa", gpa, ns=EXTENSION_NS, scale=str(GPA_MAX))
        for term in terms:
            attrs = {"id": f"term-{term.get('period_id')}"}
            if term.get("term_gpa") is not None:
                attrs["gpa"] = str(term["term_gpa"])
            if term.get("cumulative_gpa") is not None:
                attrs["cumulativeGpa"] = str(term["cumulative_gpa"])
            _e(extension, "term", term.get("title") or "", ns=EXTENSION_NS, **attrs)

        for term in terms:
            for row in term.get("rows") or []:
                _elmo_course(_e(_e(programme, "hasPart"), "learningOpportunitySpecification"),
                             term, row, language, ends)

        _e(report, "issueDate", _iso(document.issued_at))
        scheme = _e(report, "gradingScheme", localId=GRADING_SCHEME_ID)
        _lang(_e(scheme, "description", _scale_text(content)), language)

    if terms:
        groups = _e(root, "groups")
        group_type = _e(groups, "groupType", id="term")
        with translation.override(language):
            _lang(_e(group_type, "title", _("Academic term")), language)
        for index, term in enumerate(terms):
            group = _e(group_type, "group", id=f"term-{term.get('period_id')}",
                       sortingKey=f"{index:03d}")
            _lang(_e(group, "title", term.get("title") or "-"), language)
    extension = _e(root, "extension")
    _e(extension, "issuedDocument", ns=EXTENSION_NS, code=document.code, kind=document.kind,
       contentSha256=document.content_sha256,
       verificationUrl=verification_url(document.code, document.language))
    return root


def _scale_text(content: Mapping[str, Any]) -> str:
    lines = [_("Letter grades of the credit system of Kazakhstan (final score 0–100):")]
    for band in content.get("scale") or []:
        lines.append(f"{band.get('letter')}: {band.get('min')}–{band.get('max')}, "
                     f"{band.get('points')} ({band.get('traditional_label') or ''})")
    return "\n".join(lines)


def _elmo_course(spec: Any, term: Mapping[str, Any], row: Mapping[str, Any], language: str,
                 ends: Mapping[int, dt.date]) -> None:
    _e(spec, "identifier", row.get("code") or "-", type="local")
    _lang(_e(spec, "title", row.get("title") or row.get("code") or "-"), language)
    _e(spec, "type", "Course")
    if row.get("mark"):
        _lang(_e(spec, "description", row["mark"]), language)
    instance = _e(_e(spec, "specifies"), "learningOpportunityInstance")
    _e(instance, "identifier", f"{term.get('period_id')}-{row.get('code')}", type="local")
    starts_on = term.get("starts_on")
    if starts_on:
        _e(instance, "start", starts_on)
    end = ends.get(term.get("period_id"))  # type: ignore[arg-type]
    if starts_on and end is not None:
        academic_term = _e(instance, "academicTerm")
        _lang(_e(academic_term, "title", term.get("title") or "-"), language)
        _e(academic_term, "start", starts_on)
        _e(academic_term, "end", end.isoformat())
    _e(instance, "status", "passed" if row.get("passed") else "failed")
    _e(instance, "gradingSchemeLocalId", GRADING_SCHEME_ID)
    if row.get("letter"):
        _e(instance, "resultLabel", row["letter"])
    credit = _e(instance, "credit")
    _e(credit, "scheme", "ECTS")
    _e(credit, "value", row.get("credits", 0))
    credits = _decimal(row.get("credits"))
    if credits is not None:
        _e(instance, "engagementHours", _dec(credits * HOURS_PER_CREDIT))
    _e(instance, "grouping", typeref="term", idref=f"term-{term.get('period_id')}")
    extension = _e(instance, "extension")
    if row.get("score") is not None:
        _e(extension, "finalScore", row["score"], ns=EXTENSION_NS, scale="100")
    _e(extension, "gradePoints", row.get("points"), ns=EXTENSION_NS)
    _e(extension, "countsInGpa", "true" if row.get("counted") else "false", ns=EXTENSION_NS)
    _e(extension, "attemptKind", row.get("kind"), ns=EXTENSION_NS)


def elmo_xml(document: IssuedDocument, *, now: dt.datetime | None = None) -> bytes:
    return etree.tostring(elmo_tree(document, now=now), xml_declaration=True, encoding="UTF-8",
                          pretty_print=True)


# --- PESC -----------------------------------------------------------------------------------

def _p(parent: Any, tag: str, text: Any = None) -> Any:
    """PESC elements are unqualified (elementFormDefault="unqualified") except the root."""
    element = etree.SubElement(parent, tag)
    if text is not None:
        element.text = str(text)
    return element


def _cut(text: Any, limit: int) -> str:
    value = re.sub(r"\s+", " ", str(text or "")).strip()
    return value[:limit] or "-"


def _note(parent: Any, text: str) -> None:
    for start in range(0, len(text), 80):
        _p(parent, "NoteMessage", text[start:start + 80])


def pesc_tree(document: IssuedDocument, *, now: dt.datetime | None = None) -> Any:
    content = _check(document)
    language = str(content.get("language") or document.language)
    holder = content.get("holder") or {}
    terms = content.get("terms") or []
    ends = _term_ends(terms)
    level = PESC_LEVEL.get(str(holder.get("degree")), "Undergraduate")
    university = _cut(content.get("university") or _issuer_id(), 60)
    root = etree.Element(f"{{{PESC_COLTRN_NS}}}CollegeTranscript",
                         nsmap={"ColTrn": PESC_COLTRN_NS, "AcRec": PESC_ACREC_NS,
                                "core": PESC_CORE_NS})
    transmission = _p(root, "TransmissionData")
    _p(transmission, "DocumentID", document.code)
    _p(transmission, "CreatedDateTime", _iso(now or timezone.now()))
    _p(transmission, "DocumentTypeCode", "StudentRequest")
    _p(transmission, "TransmissionType", "Original")
    source = _p(_p(transmission, "Source"), "Organization")
    _p(source, "MutuallyDefined", _cut(_issuer_id(), 60))
    _p(source, "OrganizationName", university)
    destination = _p(_p(transmission, "Destination"), "Organization")
    with translation.override(language):
        _p(destination, "OrganizationName", _cut(_("Holder of the document"), 60))
    _p(transmission, "DocumentOfficialCode", "Official")
    _p(transmission, "DocumentCompleteCode", "Complete")

    student = _p(root, "Student")
    person = _p(student, "Person")
    _p(person, "SchoolAssignedPersonID", str(document.student_id))
    if holder.get("iin"):
        agency = _p(person, "AgencyIdentifier")
        _p(agency, "AgencyAssignedID", holder["iin"])
        _p(agency, "AgencyCode", "National")
        _p(agency, "AgencyName", "IIN (individual identification number, Kazakhstan)")
    if holder.get("birth_date"):
        _p(_p(person, "Birth"), "BirthDate", holder["birth_date"])
    given, family = _names(holder)
    name = _p(person, "Name")
    given_parts = given.split(" ", 1)
    _p(name, "FirstName", _cut(given_parts[0], 35))
    if len(given_parts) > 1:
        _p(name, "MiddleName", _cut(given_parts[1], 35))
    _p(name, "LastName", _cut(family, 35))
    _p(name, "CompositeName", _cut(holder.get("name"), 45))

    record = _p(student, "AcademicRecord")
    school = _p(record, "School")
    _p(school, "OrganizationName", university)
    _p(school, "MutuallyDefined", _cut(_issuer_id(), 60))
    totals = content.get("totals") or {}
    summary = _p(record, "AcademicSummary")
    _p(summary, "AcademicSummaryType", "Cumulative")
    _p(summary, "AcademicSummaryLevel", level)
    gpa = _p(summary, "GPA")
    _p(gpa, "CreditHoursEarned", totals.get("credits_earned", 0))
    _p(gpa, "CreditUnit", "Other")
    if totals.get("cumulative_gpa") is not None:
        _p(gpa, "GradePointAverage", totals["cumulative_gpa"])
    _p(gpa, "GPARangeMinimum", "0")
    _p(gpa, "GPARangeMaximum", _dec(GPA_MAX))
    _note(gpa, "Credits are ECTS credits (1 Kazakhstan credit = 1 ECTS = 30 hours).")
    programme = _p(summary, "AcademicProgram")
    _p(programme, "ProgramLocalCode", _cut(holder.get("programme_code"), 20))
    _p(programme, "AcademicProgramType", "Major")
    _p(programme, "AcademicProgramName", _cut(holder.get("programme_title"), 120))

    for term in terms:
        _pesc_session(record, term, level, ends)
    return root


def _pesc_session(record: Any, term: Mapping[str, Any], level: str,
                  ends: Mapping[int, dt.date]) -> None:
    session = _p(record, "AcademicSession")
    detail = _p(session, "AcademicSessionDetail")
    starts_on = str(term.get("starts_on") or "")
    end = ends.get(term.get("period_id"))  # type: ignore[arg-type]
    _p(detail, "SessionDesignator", starts_on[:7] if starts_on else "1900-01")
    _p(detail, "SessionName", _cut(term.get("title"), 30))
    _p(detail, "SessionType", PESC_SESSION_TYPE.get(str(term.get("period_kind")), "Other"))
    year = str(term.get("academic_year") or "")
    if re.fullmatch(r"\d{4}-\d{4}", year):
        _p(detail, "SessionSchoolYear", year)
    if starts_on:
        _p(detail, "SessionBeginDate", starts_on)
    if end is not None:
        _p(detail, "SessionEndDate", end.isoformat())
    for row in term.get("rows") or []:
        _pesc_course(session, row, level, starts_on, end)
    summary = _p(session, "AcademicSummary")
    _p(summary, "AcademicSummaryType", "SenderOnly")
    _p(summary, "AcademicSummaryLevel", level)
    gpa = _p(summary, "GPA")
    if term.get("graded_credits") is not None:
        _p(gpa, "CreditHoursAttempted", term["graded_credits"])
    if term.get("credits_earned") is not None:
        _p(gpa, "CreditHoursEarned", term["credits_earned"])
    _p(gpa, "CreditUnit", "Other")
    if term.get("term_gpa") is not None:
        _p(gpa, "GradePointAverage", term["term_gpa"])
    _p(gpa, "GPARangeMinimum", "0")
    _p(gpa, "GPARangeMaximum", _dec(GPA_MAX))
    if term.get("cumulative_gpa") is not None:
        _note(gpa, f"Cumulative GPA after this term: {term['cumulative_gpa']}")


def _pesc_course(session: Any, row: Mapping[str, Any], level: str, starts_on: str,
                 end: dt.date | None) -> None:
    course = _p(session, "Course")
    credits = _decimal(row.get("credits")) or Decimal(0)
    points = _decimal(row.get("points"))
    _p(course, "CourseCreditBasis", PESC_CREDIT_BASIS.get(str(row.get("kind")), "Regular"))
    _p(course, "CourseCreditUnits", "Other")
    _p(course, "CourseCreditLevel", level)
    _p(course, "CourseCreditValue", _dec(credits))
    _p(course, "CourseCreditEarned", _dec(credits if row.get("passed") else Decimal(0)))
    _p(course, "CourseAcademicGradeScaleCode", PESC_GRADE_SCALE)
    if row.get("letter"):
        _p(course, "CourseAcademicGrade", _cut(row["letter"], 10))
    if points is not None:
        _p(course, "CourseQualityPointsEarned", _dec(points * credits))
    _p(course, "CourseGPAApplicabilityCode",
       "Applicable" if row.get("counted") else "NotApplicable")
    code = str(row.get("code") or "")
    match = re.fullmatch(r"([A-Za-z]{1,10})(\d[\w-]{0,14})", code)
    if match:
        _p(course, "CourseSubjectAbbreviation", match.group(1))
        _p(course, "CourseNumber", match.group(2))
    else:
        _p(course, "CourseNumber", _cut(code, 15))
    _p(course, "CourseTitle", _cut(row.get("title"), 120))
    if starts_on:
        _p(course, "CourseBeginDate", starts_on)
    if end is not None:
        _p(course, "CourseEndDate", end.isoformat())
    if row.get("score") is not None:
        _note(course, f"Final score {row['score']} of 100")
    if row.get("mark"):
        _note(course, _cut(row["mark"], 80))


def pesc_xml(document: IssuedDocument, *, now: dt.datetime | None = None) -> bytes:
    return etree.tostring(pesc_tree(document, now=now), xml_declaration=True, encoding="UTF-8",
                          pretty_print=True)


# --- Validation -----------------------------------------------------------------------------

class _LocalSchemas(etree.Resolver):
    """Resolves the web addresses a schema imports to local files."""

    def __init__(self, locations: Mapping[str, Path]) -> None:
        super().__init__()
        self.locations = locations

    def resolve(self, url: str | None, pubid: str | None, context: Any) -> Any:
        path = self.locations.get(url or "")
        if path is not None:
            return self.resolve_filename(str(path), context)
        return None


_SCHEMAS: dict[Path, etree.XMLSchema] = {}


def load_schema(path: Path, locations: Mapping[str, str] | None = None) -> etree.XMLSchema:
    """The compiled schema at `path`; `locations` maps imported web addresses to paths relative
    to the schema's folder. Network access is refused."""
    path = Path(path).resolve()
    if path not in _SCHEMAS:
        parser = etree.XMLParser(no_network=True, resolve_entities=False)
        parser.resolvers.add(_LocalSchemas(
            {url: path.parent / local for url, local in (locations or {}).items()}))
        _SCHEMAS[path] = etree.XMLSchema(etree.parse(str(path), parser))
    return _SCHEMAS[path]


def validate(xml: bytes, schema: etree.XMLSchema) -> list[str]:
    """The schema errors of an XML document (empty when it is valid)."""
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    document = etree.fromstring(xml, parser)
    if schema.validate(document):
        return []
    return [f"line {e.line}: {e.message}" for e in schema.error_log]
