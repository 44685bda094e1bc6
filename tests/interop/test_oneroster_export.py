"""The OneRoster 1.2 roster of a term: exact headers, manifest, referential integrity, privacy."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from registrar.audit.models import AuditEvent
from registrar.interop import oneroster
from registrar.registration.models import Registration, RegistrationState, SectionStatus

from .helpers import read_zip

# The headers of the OneRoster 1.2 CSV binding, written out here (not read from the code), in
# the binding's order.
HEADERS = {
    "manifest.csv": "propertyName,value",
    "orgs.csv": "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId",
    "academicSessions.csv": "sourcedId,status,dateLastModified,title,type,startDate,endDate,"
                            "parentSourcedId,schoolYear",
    "courses.csv": "sourcedId,status,dateLastModified,schoolYearSourcedId,title,courseCode,"
                   "grades,orgSourcedId,subjects,subjectCodes",
    "classes.csv": "sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,"
                   "classType,location,schoolSourcedId,termSourcedIds,subjects,subjectCodes,"
                   "periods",
    "users.csv": "sourcedId,status,dateLastModified,enabledUser,username,userIds,givenName,"
                 "familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,"
                 "password,userMasterIdentifier,resourceSourcedIds,preferredGivenName,"
                 "preferredMiddleName,preferredFamilyName,primaryOrgSourcedId,pronouns",
    "roles.csv": "sourcedId,status,dateLastModified,userSourcedId,roleType,role,beginDate,"
                 "endDate,orgSourcedId,userProfileSourcedId",
    "enrollments.csv": "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,"
                       "userSourcedId,role,primary,beginDate,endDate",
}


@pytest.fixture
def export(gw):
    return read_zip(oneroster.export_period(gw.autumn, by=gw.registrar))


def test_every_file_has_the_exact_header_of_the_binding(export):
    assert set(export) == set(HEADERS)
    for name, header in HEADERS.items():
        assert ",".join(export[name][0]) == header, name


def test_the_raw_bytes_are_utf8_csv_with_crlf_and_no_bom(gw):
    import io
    import zipfile

    body = oneroster.export_period(gw.autumn, by=gw.registrar)
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        assert all("/" not in n for n in archive.namelist())  # files at the root
        raw = archive.read("users.csv")
    assert not raw.startswith(b"\xef\xbb\xbf")
    assert raw.split(b"\r\n", 1)[0] == HEADERS["users.csv"].encode()


def test_manifest_declares_version_and_bulk_or_absent_for_every_file(export):
    values = {r["propertyName"]: r["value"] for r in export["manifest.csv"][1]}
    assert values["manifest.version"] == "1.0"
    assert values["oneroster.version"] == "1.2"
    for name in ("orgs", "academicSessions", "courses", "classes", "users", "roles",
                 "enrollments"):
        assert values[f"file.{name}"] == "bulk"
    for name in ("categories", "lineItems", "results", "demographics", "resources",
                 "classResources", "courseResources", "userProfiles", "scoreScales"):
        assert values[f"file.{name}"] == "absent"
    assert all(v in ("bulk", "absent") for k, v in values.items() if k.startswith("file."))


def test_bulk_rows_leave_status_and_date_empty(export):
    for name, (header, rows) in export.items():
        if "status" in header:
            assert rows, name  # a file without rows is not allowed: it would be absent
            assert {r["status"] for r in rows} == {""}, name
            assert {r["dateLastModified"] for r in rows} == {""}, name


def test_referential_integrity(export):
    orgs = {r["sourcedId"]: r for r in export["orgs.csv"][1]}
    sessions = {r["sourcedId"]: r for r in export["academicSessions.csv"][1]}
    courses = {r["sourcedId"]: r for r in export["courses.csv"][1]}
    classes = {r["sourcedId"]: r for r in export["classes.csv"][1]}
    users = {r["sourcedId"]: r for r in export["users.csv"][1]}
    for table in (orgs, sessions, courses, classes, users):
        assert table  # and the ids are unique: the dicts would have swallowed duplicates
    for name in HEADERS:
        if name != "manifest.csv":
            ids = [r["sourcedId"] for r in export[name][1]]
            assert len(ids) == len(set(ids)), name

    for org in orgs.values():
        assert org["parentSourcedId"] in orgs or org["type"] == "district"
    for session in sessions.values():
        assert not session["parentSourcedId"] or session["parentSourcedId"] in sessions
    for course in courses.values():
        assert course["schoolYearSourcedId"] in sessions
        assert course["orgSourcedId"] in orgs
    for cls in classes.values():
        assert cls["courseSourcedId"] in courses
        assert cls["schoolSourcedId"] in orgs
        assert all(t in sessions for t in cls["termSourcedIds"].split(","))
    for user in users.values():
        assert user["primaryOrgSourcedId"] in orgs
    for role in export["roles.csv"][1]:
        assert role["userSourcedId"] in users and role["orgSourcedId"] in orgs
    enrollments = export["enrollments.csv"][1]
    assert enrollments
    for enrollment in enrollments:
        assert enrollment["classSourcedId"] in classes
        assert enrollment["userSourcedId"] in users
        assert enrollment["schoolSourcedId"] in orgs
        assert enrollment["role"] in ("student", "teacher")


def test_the_roster_is_the_terms_sections_students_and_teachers(gw, export):
    classes = {r["classCode"]: r for r in export["classes.csv"][1]}
    assert set(classes) == {"MAT1102-01", "HKZ1101-01"}
    enrollments = export["enrollments.csv"][1]
    mat = classes["MAT1102-01"]["sourcedId"]
    assert mat == f"cls-{gw.section.pk}"
    students = {e["userSourcedId"] for e in enrollments
                if e["classSourcedId"] == mat and e["role"] == "student"}
    assert students == {f"stu-{s.pk}" for s in gw.students}
    teacher = [e for e in enrollments if e["classSourcedId"] == mat and e["role"] == "teacher"]
    assert [(e["userSourcedId"], e["primary"]) for e in teacher] == [
        (f"tea-{gw.teacher.staff.pk}", "true")]
    users = {r["sourcedId"]: r for r in export["users.csv"][1]}
    first = users[f"stu-{gw.students[0].pk}"]
    assert first["username"] == gw.students[0].user.username
    assert first["familyName"] == gw.students[0].last_name_ru  # Russian names by default
    assert first["enabledUser"] == "true"
    sessions = {r["sourcedId"]: r for r in export["academicSessions.csv"][1]}
    assert sessions[f"term-{gw.autumn.pk}"]["type"] == "semester"
    assert sessions[f"term-{gw.autumn.pk}"]["schoolYear"] == "2027"
    assert sessions[f"year-{gw.year.pk}"]["type"] == "schoolYear"


def test_dropped_students_and_cancelled_sections_stay_out(gw):
    Registration.objects.filter(section=gw.section, student=gw.students[4]).update(
        state=RegistrationState.DROPPED)
    gw.other_section.status = SectionStatus.CANCELLED
    gw.other_section.save(update_fields=["status"])
    files = oneroster.roster_rows(gw.autumn)
    assert [c["classCode"] for c in files["classes"]] == ["MAT1102-01"]
    enrolled = {e["userSourcedId"] for e in files["enrollments"] if e["role"] == "student"}
    assert f"stu-{gw.students[4].pk}" not in enrolled
    assert len(enrolled) == 4


def test_no_iin_unless_asked(gw):
    iins = [s.iin for s in gw.students]
    plain = oneroster.export_period(gw.autumn, by=gw.registrar)
    assert not any(iin.encode() in plain for iin in iins)
    with_iin = read_zip(oneroster.export_period(gw.autumn, by=gw.registrar, include_iin=True))
    identifiers = {r["sourcedId"]: r["identifier"] for r in with_iin["users.csv"][1]}
    assert identifiers[f"stu-{gw.students[0].pk}"] == gw.students[0].iin


def test_identifiers_are_stable_between_exports(gw):
    first = read_zip(oneroster.export_period(gw.autumn, by=gw.registrar))
    second = read_zip(oneroster.export_period(gw.autumn, by=gw.registrar, language="en"))
    for name in HEADERS:
        if name != "manifest.csv":
            assert [r["sourcedId"] for r in first[name][1]] == [
                r["sourcedId"] for r in second[name][1]], name
    users = {r["sourcedId"]: r for r in second["users.csv"][1]}
    assert users[f"stu-{gw.students[0].pk}"]["familyName"] == "Abenov"  # Latin names in "en"


def test_export_is_the_registrars_and_is_audited(gw):
    with pytest.raises(PermissionDenied):
        oneroster.export_period(gw.autumn, by=gw.teacher)
    with pytest.raises(PermissionDenied):
        oneroster.export_period(gw.autumn, by=gw.dean)
    oneroster.export_period(gw.autumn, by=gw.registrar, include_iin=True)
    event = AuditEvent.objects.get(action="oneroster.exported")
    assert event.actor == gw.registrar
    assert event.changes["include_iin"] is True
    assert event.changes["enrollments"] == 12  # 10 students' and 2 teachers'


def test_management_command_writes_the_zip(gw, tmp_path):
    out = tmp_path / "roster.zip"
    call_command("oneroster_export", "--period", str(gw.autumn.pk), "--out", str(out))
    files = read_zip(out.read_bytes())
    assert set(files) == set(HEADERS)
