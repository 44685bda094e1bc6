"""LMS results back onto the rating statements: round trip, mapping, all-or-nothing refusals."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command

from registrar.assessment import services
from registrar.assessment.models import GradeEntry, SheetKind
from registrar.audit.models import AuditEvent
from registrar.interop import oneroster
from registrar.interop.oneroster import ResultsImportFailed
from tests.assessment.conftest import AFTER_EXAM, IN_R1, IN_R2, R1_DEADLINE, at

from .helpers import gradebook, read_zip

D = Decimal
SCORES = ["91", "78.5", "64", "55", "47"]


def scores(sheet) -> list:
    return [e.score for e in GradeEntry.objects.filter(sheet=sheet).order_by("student_id")]


def nothing_entered(gw) -> bool:
    return (all(s is None for sheet in (gw.r1, gw.r2, gw.exam) for s in scores(sheet))
            and not AuditEvent.objects.filter(action="grade.entered").exists())


def roster(gw):
    """The class and students of MAT1102-01 as the LMS knows them from our export."""
    files = read_zip(oneroster.export_period(gw.autumn, by=gw.registrar))
    cls = next(r["sourcedId"] for r in files["classes.csv"][1] if r["classCode"] == "MAT1102-01")
    students = sorted((e["userSourcedId"] for e in files["enrollments.csv"][1]
                       if e["classSourcedId"] == cls and e["role"] == "student"),
                      key=lambda sourced: int(sourced.removeprefix("stu-")))  # as scores()
    return cls, students


def results_for(line_item: str, students, values, status="fully graded"):
    return [{"sourcedId": f"{line_item}-{n}", "lineItemSourcedId": line_item,
             "studentSourcedId": s, "scoreStatus": status, "score": v}
            for n, (s, v) in enumerate(zip(students, values, strict=True))]


def test_round_trip_from_our_roster_into_the_r1_statement(gw):
    cls, students = roster(gw)
    zipped = gradebook(
        [{"sourcedId": "li-r1", "title": "Rating 1", "classSourcedId": cls},
         {"sourcedId": "li-hw", "title": "Homework 3", "classSourcedId": cls}],
        results_for("li-r1", students, SCORES)
        + results_for("li-hw", students, ["10"] * 5))
    report = oneroster.import_results(zipped, by=gw.teacher, now=IN_R1)
    assert report.entered == 5 and report.unchanged == 0
    assert report.skipped == 5  # the homework results
    assert report.ignored_line_items == ["li-hw Homework 3"]
    assert scores(gw.r1) == [D(v) for v in SCORES]
    assert all(e.entered_by == gw.teacher for e in GradeEntry.objects.filter(sheet=gw.r1))
    assert AuditEvent.objects.filter(action="grade.entered").count() == 5
    assert scores(gw.r2) == [None] * 5

    again = oneroster.import_results(zipped, by=gw.teacher, now=IN_R1)
    assert (again.entered, again.unchanged) == (0, 5)


def test_scores_on_another_scale_are_rescaled_to_100(gw):
    cls, students = roster(gw)
    zipped = gradebook(
        [{"sourcedId": "li-1", "title": "R1", "classSourcedId": cls, "resultValueMin": "0",
          "resultValueMax": "20"}],
        results_for("li-1", students, ["20", "17", "12.5", "10.01", "0"]))
    oneroster.import_results(zipped, by=gw.teacher, now=IN_R1)
    assert scores(gw.r1) == [D("100"), D("85"), D("62.5"), D("50.05"), D("0")]


def test_component_from_category_or_explicit_mapping(gw):
    cls, students = roster(gw)
    zipped = gradebook(
        [{"sourcedId": "li-a", "title": "Midterm week 7", "classSourcedId": cls,
          "categorySourcedId": "cat-1"},
         {"sourcedId": "li-b", "title": "Project", "classSourcedId": cls}],
        results_for("li-a", students, SCORES) + results_for("li-b", students, ["70"] * 5),
        categories=[{"sourcedId": "cat-1", "title": "РК1"}])
    with pytest.raises(ResultsImportFailed) as refused:  # R1 closed the day before; R2 open
        oneroster.import_results(zipped, by=gw.teacher, mapping={"li-b": "rating_2"},
                                 now=R1_DEADLINE.replace(day=26))
    assert {p.message for p in refused.value.problems} >= {
        "The entry window closed at 25.10.2026 18:00."}
    assert nothing_entered(gw)
    report = oneroster.import_results(zipped, by=gw.teacher, mapping={"li-b": "rating_2"},
                                      now=IN_R1)
    assert report.entered == 10
    assert scores(gw.r1) == [D(v) for v in SCORES]
    assert scores(gw.r2) == [D("70")] * 5


def test_exam_results_after_both_ratings_are_locked(gw):
    cls, students = roster(gw)
    for sheet, when in ((gw.r1, IN_R1), (gw.r2, IN_R2)):
        services.enter_scores(sheet, [{"student_id": s.pk, "score": "80"} for s in gw.students],
                              by=gw.teacher, now=when)
        services.submit_sheet(sheet, by=gw.teacher, now=when)
    zipped = gradebook([{"sourcedId": "li-x", "title": "Final exam", "classSourcedId": cls}],
                       results_for("li-x", students, ["90", "85", "70", "60", "50"]))
    oneroster.import_results(zipped, by=gw.teacher, now=AFTER_EXAM)
    assert scores(gw.exam) == [D("90"), D("85"), D("70"), D("60"), D("50")]


def test_bad_rows_are_refused_with_file_row_column_and_nothing_is_written(gw):
    cls, students = roster(gw)
    results = results_for("li-r1", students, SCORES)
    results[1]["score"] = "120"  # row 3: out of the 0-100 range of the line item
    results[2]["studentSourcedId"] = "stu-999999"  # row 4: not on the statement
    results[3]["scoreStatus"] = "graded"  # row 5: not a OneRoster status
    results.append({"sourcedId": "x", "lineItemSourcedId": "li-zz",  # row 7: unknown item
                    "studentSourcedId": students[0], "scoreStatus": "fully graded",
                    "score": "50"})
    results.append({"sourcedId": "y", "lineItemSourcedId": "li-r1",  # row 8: duplicate
                    "studentSourcedId": students[0], "scoreStatus": "fully graded",
                    "score": "50"})
    line_items = [{"sourcedId": "li-r1", "title": "R1", "classSourcedId": cls},
                  {"sourcedId": "li-r1b", "title": "Rating 1", "classSourcedId": cls},
                  {"sourcedId": "li-q", "title": "R2", "classSourcedId": "cls-unknown"}]
    with pytest.raises(ResultsImportFailed) as refused:
        oneroster.import_results(gradebook(line_items, results), by=gw.teacher, now=IN_R1)
    found = {(p.file, p.row, p.column) for p in refused.value.problems}
    assert found == {
        ("lineItems.csv", 3, "title"),  # a second line item for R1 of the same section
        ("lineItems.csv", 4, "classSourcedId"),
        ("results.csv", 3, "score"),
        ("results.csv", 5, "scoreStatus"),
        ("results.csv", 7, "lineItemSourcedId"),
        ("results.csv", 8, "studentSourcedId"),
    }
    messages = {(p.row, p.column): p.message for p in refused.value.problems}
    assert messages[(3, "score")] == "The score 120 is outside the line item's range 0–100."
    assert str(refused.value.problems[0]).startswith("lineItems.csv, row 3, column title: ")
    assert nothing_entered(gw)


def test_a_rule_of_the_statement_refuses_the_whole_file(gw):
    """Row 4 names a student who is not on the sheet: the service refuses it after rows 2-3
    were accepted, and they are rolled back."""
    cls, students = roster(gw)
    results = results_for("li-r1", students, SCORES)
    results[2]["studentSourcedId"] = "stu-999999"
    with pytest.raises(ResultsImportFailed) as refused:
        oneroster.import_results(
            gradebook([{"sourcedId": "li-r1", "title": "R1", "classSourcedId": cls}], results),
            by=gw.teacher, now=IN_R1)
    assert [(p.file, p.row, p.column, p.message) for p in refused.value.problems] == [
        ("results.csv", 4, "studentSourcedId", "The student is not on this sheet.")]
    assert nothing_entered(gw)


def test_two_decimals_at_most(gw):
    cls, students = roster(gw)
    with pytest.raises(ResultsImportFailed) as refused:
        oneroster.import_results(
            gradebook([{"sourcedId": "li-r1", "title": "R1", "classSourcedId": cls}],
                      results_for("li-r1", students, ["90.125", "1", "2", "3", "4"])),
            by=gw.teacher, now=IN_R1)
    assert [(p.row, p.column, p.message) for p in refused.value.problems] == [
        (2, "score", "A score has at most two decimals.")]
    assert nothing_entered(gw)


def test_only_the_sections_teacher_enters(gw):
    cls, students = roster(gw)
    zipped = gradebook([{"sourcedId": "li-r1", "title": "R1", "classSourcedId": cls}],
                       results_for("li-r1", students, SCORES))
    for user in (gw.other_teacher, gw.registrar):
        with pytest.raises(ResultsImportFailed) as refused:
            oneroster.import_results(zipped, by=user, now=IN_R1)
        assert {(p.column, p.message) for p in refused.value.problems} == {
            ("lineItemSourcedId", "You may not enter scores on “MAT1102-01 Rating statement "
                                  "R1”: only the section's teacher does.")}
    for user in (gw.dean, gw.students[0].user, None):
        with pytest.raises(PermissionDenied):
            oneroster.import_results(zipped, by=user, now=IN_R1)
    assert nothing_entered(gw)


def test_results_not_fully_graded_are_skipped(gw):
    cls, students = roster(gw)
    results = (results_for("li-r1", students[:2], ["80", "81"])
               + results_for("li-r1", students[2:4], ["", ""], status="not submitted")
               + results_for("li-r1", students[4:], ["50"], status="partially graded"))
    for n, row in enumerate(results):
        row["sourcedId"] = f"r{n}"
    report = oneroster.import_results(
        gradebook([{"sourcedId": "li-r1", "title": "R1", "classSourcedId": cls}], results),
        by=gw.teacher, now=IN_R1)
    assert (report.entered, report.skipped) == (2, 3)
    assert scores(gw.r1)[:3] == [D("80"), D("81"), None]


def test_archive_problems(gw):
    with pytest.raises(ResultsImportFailed) as refused:
        oneroster.import_results(b"not a zip", by=gw.teacher)
    assert refused.value.problems[0].message == (
        "The file is not a ZIP archive of OneRoster CSV files.")
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("lineItems.csv", "sourcedId,title\r\nli-1,R1\r\n")
        archive.writestr("results.csv", "sourcedId\r\n")
    with pytest.raises(ResultsImportFailed) as refused:
        oneroster.import_results(buffer.getvalue(), by=gw.teacher)
    assert {(p.file, p.row, p.column) for p in refused.value.problems} == {
        ("lineItems.csv", 1, "classSourcedId")}


def test_mapping_text():
    assert oneroster.parse_mapping("li-1 = rating_1\nli-2=R2, li-3=Exam") == {
        "li-1": "rating_1", "li-2": "rating_2", "li-3": "exam"}
    with pytest.raises(ResultsImportFailed):
        oneroster.parse_mapping("li-1=homework")
    assert [oneroster.component_of(t) for t in ("Rating 1", "r-2", "АБ 1", "Емтихан", "Quiz")] == [
        SheetKind.RATING_1, SheetKind.RATING_2, SheetKind.RATING_1, SheetKind.EXAM, None]


def test_management_command(gw, tmp_path, capsys):
    cls, students = roster(gw)
    path = tmp_path / "results.zip"
    path.write_bytes(gradebook([{"sourcedId": "li-9", "title": "Week 7", "classSourcedId": cls}],
                               results_for("li-9", students, SCORES)))
    with pytest.raises(CommandError):  # mapped to R1, whose window closed on 25 October 2026
        call_command("oneroster_import_results", "--file", str(path), "--by",
                     gw.teacher.username, "--map", "li-9=rating_1")
    assert "row 2, column lineItemSourcedId" in capsys.readouterr().err
    assert nothing_entered(gw)
    call_command("oneroster_import_results", "--file", str(path), "--by", gw.teacher.username)
    assert "Ignored line item" in capsys.readouterr().out


def test_window_boundaries_use_the_statement_deadline(gw):
    cls, students = roster(gw)
    zipped = gradebook([{"sourcedId": "li-r1", "title": "R1", "classSourcedId": cls}],
                       results_for("li-r1", students, SCORES))
    oneroster.import_results(zipped, by=gw.teacher, now=at(2026, 10, 25, 17, 59))
    assert scores(gw.r1) == [D(v) for v in SCORES]
