"""Transcripts as EMREX ELMO and PESC College Transcript XML, validated against the official
schemas (tests/fixtures/standards), and their downloads under the documents' visibility rules."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse
from lxml import etree

from registrar.documents import services as documents
from registrar.documents.models import DocumentKind, IssuedDocument
from registrar.interop import transcripts_xml as tx

STANDARDS = Path(__file__).resolve().parents[1] / "fixtures" / "standards"
ELMO = {"e": tx.ELMO_NS}
CODES = ["HIS1102", "MAT1101", "ENG1203", "PHY1202", "PRG1201"]


@pytest.fixture(scope="module")
def elmo_schema():
    return tx.load_schema(STANDARDS / "elmo" / "schema.xsd", tx.ELMO_SCHEMA_LOCATIONS)


@pytest.fixture(scope="module")
def pesc_schema():
    return tx.load_schema(STANDARDS / "pesc" / "CollegeTranscript_v1.8.0.xsd")


@pytest.fixture
def transcript(dw):
    return documents.issue_transcript(dw.student, by=dw.registrar, language="en")


def test_the_schema_copies_are_the_official_ones_and_say_their_licence(elmo_schema):
    # The EMREX example validates: the offline mapping of the imported schemas is complete.
    assert tx.validate((STANDARDS / "elmo" / "example.xml").read_bytes(), elmo_schema) == []
    readme = " ".join((STANDARDS / "README.md").read_text().split())
    assert "European Union Public Licence" in readme and "PESC" in readme
    assert (STANDARDS / "elmo" / "LICENSE.txt").read_text().startswith(
        "EUROPEAN UNION PUBLIC LICENCE v. 1.2")


@pytest.mark.parametrize("language", ["en", "ru", "kk"])
def test_elmo_is_valid_and_has_every_discipline_and_the_gpa(dw, elmo_schema, language):
    document = documents.issue_transcript(dw.student, by=dw.registrar, language=language)
    xml = tx.elmo_xml(document)
    assert tx.validate(xml, elmo_schema) == []
    root = etree.fromstring(xml)
    courses = root.findall(".//e:hasPart/e:learningOpportunitySpecification", ELMO)
    assert sorted(c.findtext("e:identifier", namespaces=ELMO) for c in courses) == sorted(CODES)
    by_code = {c.findtext("e:identifier", namespaces=ELMO): c for c in courses}
    mat = by_code["MAT1101"].find(".//e:learningOpportunityInstance", ELMO)
    assert mat.findtext("e:resultLabel", namespaces=ELMO) == "A-"
    assert mat.findtext("e:status", namespaces=ELMO) == "passed"
    assert mat.findtext("e:credit/e:scheme", namespaces=ELMO) == "ECTS"
    assert mat.findtext("e:credit/e:value", namespaces=ELMO) == "2"
    assert mat.findtext("e:start", namespaces=ELMO) == "2024-09-01"
    assert mat.findtext("e:academicTerm/e:end", namespaces=ELMO) == "2024-12-31"
    eng = by_code["ENG1203"].find(".//e:learningOpportunityInstance", ELMO)
    assert eng.findtext("e:status", namespaces=ELMO) == "failed"
    assert root.findtext(f".//{{{tx.EXTENSION_NS}}}cumulativeGpa") == "2.76"
    terms = root.findall(f".//{{{tx.EXTENSION_NS}}}term")
    assert [t.get("gpa") for t in terms] == ["3.87", "2.20"]
    assert "2.76" in root.findtext("e:report/e:learningOpportunitySpecification/e:description",
                                   namespaces=ELMO)
    learner = root.find("e:learner", ELMO)
    assert learner.findtext("e:bday", namespaces=ELMO) == "2004-11-23"
    assert learner.findtext("e:identifier[@type='nationalIdentifier']",
                            namespaces=ELMO) == dw.student.iin


def test_elmo_names_in_the_documents_language(dw):
    document = documents.issue_transcript(dw.student, by=dw.registrar, language="ru")
    learner = etree.fromstring(tx.elmo_xml(document)).find("e:learner", ELMO)
    assert learner.findtext("e:familyName", namespaces=ELMO) == "Жумабаева"
    assert learner.findtext("e:givenNames", namespaces=ELMO) == "Айгерим Сериковна"


def test_pesc_is_valid_and_has_every_discipline_and_the_gpa(transcript, pesc_schema):
    xml = tx.pesc_xml(transcript)
    assert tx.validate(xml, pesc_schema) == []
    root = etree.fromstring(xml)
    assert root.tag == f"{{{tx.PESC_COLTRN_NS}}}CollegeTranscript"
    assert root.findtext("TransmissionData/DocumentID") == transcript.code
    record = root.find("Student/AcademicRecord")
    assert record.findtext("AcademicSummary/GPA/GradePointAverage") == "2.76"
    assert record.findtext("AcademicSummary/GPA/CreditHoursEarned") == "13"
    sessions = record.findall("AcademicSession")
    assert [s.findtext("AcademicSummary/GPA/GradePointAverage") for s in sessions] == [
        "3.87", "2.20"]
    courses = record.findall("AcademicSession/Course")
    codes = [c.findtext("CourseSubjectAbbreviation") + c.findtext("CourseNumber") for c in courses]
    assert sorted(codes) == sorted(CODES)
    eng = courses[codes.index("ENG1203")]
    assert eng.findtext("CourseAcademicGrade") == "F"
    assert eng.findtext("CourseCreditEarned") == "0"
    assert root.findtext("Student/Person/Name/LastName") == "Zhumabayeva"


def test_the_xml_says_what_the_issued_document_says(dw, transcript, pesc_schema):
    """A later result does not change the XML of a document issued before it."""
    from tests.documents.world import discipline, result

    late = discipline("LAT2101", 4, "Latin", "Латынь", "Латын тілі")
    result(dw, dw.student, late, dw.spring, "99", "A", "4.00", True)
    xml = tx.pesc_xml(IssuedDocument.objects.get(pk=transcript.pk))
    assert b"LAT" not in xml and tx.validate(xml, pesc_schema) == []


def test_only_transcripts_and_certificates(dw, transcript):
    diploma = IssuedDocument(kind=DocumentKind.DIPLOMA, student=dw.student, language="en",
                             code="X", issued_at=transcript.issued_at, content={"diploma": {}})
    with pytest.raises(tx.XmlExportRefused):
        tx.elmo_xml(diploma)
    with pytest.raises(tx.XmlExportRefused):
        tx.pesc_xml(diploma)


# --- Downloads --------------------------------------------------------------------------------

def _get(client, user, name, document):
    client.force_login(user)
    return client.get(reverse(f"interop:{name}", args=[document.pk]))


@pytest.mark.parametrize("name", ["elmo", "pesc"])
def test_downloads_follow_the_documents_visibility(client, dw, transcript, name):
    for user in (dw.student_user, dw.registrar, dw.dean):
        response = _get(client, user, name, transcript)
        assert response.status_code == 200, user
        assert response["Content-Type"] == "application/xml; charset=utf-8"
        assert response["Content-Disposition"].endswith(f'-{name}.xml"')
        assert transcript.code.encode() in response.content
    for user in (dw.other_user, dw.other_dean, dw.advisor):
        assert _get(client, user, name, transcript).status_code == 404, user
    client.logout()
    response = client.get(reverse(f"interop:{name}", args=[transcript.pk]))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_revoked_document_is_not_exported(client, dw, transcript):
    documents.revoke(transcript, by=dw.registrar, reason="issued in error")
    assert _get(client, dw.registrar, "elmo", transcript).status_code == 404
    page = client.get(reverse("interop:transcripts"))
    assert transcript.code in page.content.decode()
    assert reverse("interop:elmo", args=[transcript.pk]) not in page.content.decode()


def test_the_list_shows_the_users_own_transcripts(client, dw, transcript):
    other = documents.issue_transcript(dw.other, by=dw.registrar, language="ru")
    client.force_login(dw.student_user)
    page = client.get(reverse("interop:transcripts")).content.decode()
    assert transcript.code in page and other.code not in page
    assert reverse("interop:pesc", args=[transcript.pk]) in page
    client.force_login(dw.registrar)
    page = client.get(reverse("interop:transcripts")).content.decode()
    assert transcript.code in page and other.code in page
