"""Issue 10: the student's grades page, the teacher's grade sheet and the teaching list cost a
fixed number of queries whatever the number of rows they show (no query per row, none issued
by the template), and show what the model instances show."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from registrar.assessment import selectors
from registrar.assessment.models import (
    FinalResult,
    GradeEntry,
    GradeSheet,
    SheetKind,
    SheetState,
)
from registrar.curriculum.models import Discipline
from registrar.people.models import StudentStatus
from registrar.registration.models import Section
from tests import factories
from tests.assessment.conftest import R1_DEADLINE, build_world

pytestmark = pytest.mark.django_db

LANGUAGES = ("kk", "ru", "en")


def english(name: str, *args) -> str:
    """The URL of the English page (the assertions read English labels and numbers)."""
    with translation.override("en"):
        return reverse(name, args=args)


def fetch(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response, len(queries.captured_queries)


def more_sections(w, count: int, students=None) -> list[Section]:
    """`count` further sections of the world's teacher in the autumn term, each with its R1, R2
    and exam sheets and a line per student."""
    made = []
    for i in range(count):
        discipline = Discipline.objects.create(
            code=f"CSE{i}10{i}", credits=5, department=w.department, name_kk=f"Пән {i}",
            name_ru=f"Дисциплина {i}", name_en=f"Discipline {i}")
        section = Section.objects.create(period=w.autumn, discipline=discipline,
                                         code=f"CSE{i}10{i}-01", language="ru", capacity=30,
                                         teacher=w.teacher.staff)
        for kind in (SheetKind.RATING_1, SheetKind.RATING_2, SheetKind.EXAM):
            sheet = GradeSheet.objects.create(section=section, kind=kind,
                                              entry_deadline=R1_DEADLINE)
            GradeEntry.objects.bulk_create(GradeEntry(sheet=sheet, student=s)
                                           for s in (students or w.students))
        made.append(section)
    return made


def final(section: Section, student, score: str, letter: str) -> FinalResult:
    return FinalResult.objects.create(
        section=section, student=student, r1=D("80"), r2=D("80"), admission_rating=D("80"),
        admitted=True, exam=D("90"), final_score=D(score), letter=letter, points=D("3.67"),
        traditional="excellent", passed=True)


# --- The student's grades -------------------------------------------------------------------

def test_my_grades_cost_the_same_queries_for_one_section_or_five(client):
    """Issue 10: the student's own grades are one statement after the session's user, for
    one section as for five, and show the scores, the absence and the final result."""
    w = build_world()
    me = w.students[0]
    GradeEntry.objects.filter(sheet=w.r1, student=me).update(score=D("77.5"))
    client.force_login(me.user)
    one, queries_one = fetch(client, english("portal:my_grades"))
    assert [line.section.pk for line in one.context["rows"]] == [w.section.pk]

    sections = more_sections(w, 4)
    GradeEntry.objects.filter(sheet__section=sections[0], student=me,
                              sheet__kind=SheetKind.EXAM).update(absent=True)
    GradeEntry.objects.filter(sheet__section=sections[1], student=me).update(score=D("64.25"))
    GradeSheet.objects.filter(section=sections[1]).update(state=SheetState.LOCKED)
    final(sections[1], me, "88.4", "B+")
    final(sections[2], w.students[1], "51", "D")  # another student's result is not mine
    five, queries_five = fetch(client, english("portal:my_grades"))
    assert len(five.context["rows"]) == 5
    assert queries_five == queries_one

    html = five.content.decode()
    assert "77.50" in html and "64.25" in html and "did not appear" in html
    assert "88.40" in html and "B+" in html and "51.00" not in html
    assert f"{w.discipline.code} {w.discipline.name_en}" in html


@pytest.mark.parametrize("language", LANGUAGES)
def test_my_grade_lines_are_the_student_scores(language):
    """The page's lines say what `student_scores` (the model instances) says, in order."""
    w = build_world()
    me = w.students[0]
    sections = more_sections(w, 3)
    GradeEntry.objects.filter(sheet=w.r1, student=me).update(score=D("81.5"))
    GradeEntry.objects.filter(sheet__section=sections[0], sheet__kind=SheetKind.EXAM,
                              student=me).update(absent=True)
    GradeSheet.objects.filter(section=sections[0]).update(state=SheetState.LOCKED)
    GradeEntry.objects.filter(sheet__section=sections[2], student=me).update(score=D("70"))
    final(sections[0], me, "40", "FX")
    with translation.override(language):
        lines = selectors.own_grade_lines(me.pk)
        full = selectors.student_scores(me)
        assert [(line.section.pk, line.section.code, line.discipline, line.r1, line.r2,
                 line.exam, line.resit, line.final_score, line.letter) for line in lines] == [
            (row.section.pk, row.section.code, str(row.discipline), row.r1, row.r2, row.exam,
             row.resit, row.final_score, row.letter) for row in full]
    (mine,) = (line for line in lines if line.section.pk == w.section.pk)
    assert mine.r1 is not None and isinstance(mine.r1.score, D) and str(mine.r1) == "81.50"
    assert lines[0].exam is not None and lines[0].exam.absent
    assert lines[0].final_score == D("40.00")
    assert selectors.own_grade_lines(w.students[4].pk)[-1].r1 is None


# --- The grade sheet ------------------------------------------------------------------------

def test_the_grade_sheet_costs_the_same_queries_for_one_line_or_five(client):
    """Issue 10: the sheet page reads the sheet and its lines (with the students and their
    groups) in one statement each, for one line as for five; the inputs keep their values."""
    w = build_world()
    (section,) = more_sections(w, 1, students=w.students[:1])
    sheet = GradeSheet.objects.get(section=section, kind=SheetKind.RATING_2)
    GradeEntry.objects.filter(sheet=sheet).update(score=D("66.5"), absence_share=D("0.125"))
    client.force_login(w.teacher)
    url = english("portal:sheet_detail", sheet.pk)
    one, queries_one = fetch(client, url)
    assert len(one.context["entries"]) == 1
    GradeEntry.objects.bulk_create(GradeEntry(sheet=sheet, student=s) for s in w.students[1:])
    w.students[2].group, w.students[2].status = None, StudentStatus.ON_LEAVE
    w.students[2].save(update_fields=["group", "status"])
    five, queries_five = fetch(client, url)
    assert len(five.context["entries"]) == 5
    assert queries_five == queries_one

    html = five.content.decode()
    assert 'value="66.50"' in html and 'value="0.125"' in html
    assert f'hx-post="{english("portal:sheet_validate", sheet.pk)}"' in html
    assert w.students[1].full_name in html and w.group.name in html


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_sheet_lines_are_the_entries(language):
    """The page's lines say what the entries (model instances) say, in the same order."""
    w = build_world()
    w.students[3].group, w.students[3].status = None, StudentStatus.ON_LEAVE
    w.students[3].save(update_fields=["group", "status"])
    GradeEntry.objects.filter(sheet=w.exam, student=w.students[1]).update(absent=True)
    GradeEntry.objects.filter(sheet=w.exam, student=w.students[2]).update(score=D("93.25"))
    for sheet in (w.r1, w.r2, w.exam):
        with translation.override(language):
            rows = selectors.sheet_entry_rows(sheet)
            entries = sheet.entries.select_related("student__group").order_by(
                "student__last_name_ru", "student__first_name_ru")
            assert [(r["student_id"], r["full_name"], r["group"], r["score"], r["absent"],
                     r["absence_share"]) for r in rows] == [
                (e.student_id, e.student.full_name, str(e.student.group or ""), e.score,
                 e.absent, e.absence_share) for e in entries]
    assert any(r["absent"] is True for r in selectors.sheet_entry_rows(w.exam))


def test_the_exam_sheet_shows_the_absence(client):
    w = build_world()
    GradeEntry.objects.filter(sheet=w.exam, student=w.students[1]).update(absent=True)
    client.force_login(w.teacher)
    html = client.get(english("portal:sheet_detail", w.exam.pk)).content.decode()
    assert html.count('type="checkbox"') == 5 and html.count(" checked>") == 1
    GradeSheet.objects.filter(pk=w.exam.pk).update(state=SheetState.LOCKED)
    html = client.get(english("portal:sheet_detail", w.exam.pk)).content.decode()
    assert html.count("did not appear") == 1 and 'type="checkbox"' not in html


# --- The teaching list ----------------------------------------------------------------------

def test_the_teaching_list_costs_the_same_queries_for_one_section_or_five(client):
    """Issue 10: the list of sheets is one query of the sheets for a teacher, a dean and the
    registrar, for one section's sheets as for five sections'."""
    w = build_world()
    GradeSheet.objects.exclude(section=w.section).delete()
    viewers = (w.teacher, w.dean, w.registrar)
    before = {}
    for user in viewers:
        client.force_login(user)
        before[user.pk] = fetch(client, reverse("portal:teaching"))
        assert len(before[user.pk][0].context["sheets"]) == 3
    more_sections(w, 4)
    for user in viewers:
        client.force_login(user)
        response, queries = fetch(client, reverse("portal:teaching"))
        assert len(response.context["sheets"]) == 15
        assert queries == before[user.pk][1]
    client.force_login(factories.dean(w.other_faculty))
    assert fetch(client, reverse("portal:teaching"))[0].context["sheets"] == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_teaching_rows_are_the_visible_sheets(client, language):
    """The rows say what the sheets (model instances) say, in the same order, and link to
    each sheet's page."""
    w = build_world()
    more_sections(w, 2)
    GradeSheet.objects.filter(pk=w.r1.pk).update(state=SheetState.LOCKED)
    client.force_login(w.teacher)
    with translation.override(language):
        response = client.get(reverse("portal:teaching"))
        rows = response.context["sheets"]
        sheets = (selectors.sheets_visible_to(w.teacher)
                  .order_by("-section__period__starts_on", "section__code", "kind"))
        assert [(r["url"], r["code"], r["discipline"], r["period"], str(r["kind"]), r["state"],
                 str(r["state_label"]), r["entry_deadline"]) for r in rows] == [
            (reverse("portal:sheet_detail", args=[s.pk]), s.section.code,
             s.section.discipline.name, str(s.section.period), s.get_kind_display(), s.state,
             s.get_state_display(), s.entry_deadline) for s in sheets]
        assert f'href="{reverse("portal:sheet_detail", args=[w.r1.pk])}"' in (
            response.content.decode())
