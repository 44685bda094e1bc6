"""Grade sheets over the API (§6): who reads which sheet, the teacher writing scores through the
assessment services, refusals naming the row and field, and a student's own scores."""

from __future__ import annotations

from decimal import Decimal

import pytest

from registrar.assessment.models import GradeEntry, SheetState
from tests.api.conftest import auth

pytestmark = pytest.mark.django_db

URL = "/api/v1/grades"


def _sheet_ids(client, w, role, **params) -> set[int]:
    response = client.get(f"{URL}/sheets", params, **auth(w, role))
    assert response.status_code == 200, response.content
    return {s["id"] for s in response.json()["items"]}


def _post_scores(client, w, rows, role="teacher", sheet=None):
    sheet = sheet or w.r1
    return client.post(f"{URL}/sheets/{sheet.pk}/scores", {"rows": rows},
                       content_type="application/json", **auth(w, role))


def _score(sheet, student) -> Decimal | None:
    return GradeEntry.objects.get(sheet=sheet, student=student).score


def test_each_role_lists_the_sheets_it_may_see(client, api_world):
    w = api_world
    ours = {w.r1.pk, w.r2.pk, w.exam.pk}
    theirs = set(w.other_section.grade_sheets.values_list("pk", flat=True))
    assert _sheet_ids(client, w, "registrar") == ours | theirs
    assert _sheet_ids(client, w, "teacher") == ours
    assert _sheet_ids(client, w, "other_teacher") == theirs
    assert _sheet_ids(client, w, "dean") == ours  # the discipline's department is theirs
    assert _sheet_ids(client, w, "other_dean") == theirs  # a student of theirs is graded
    assert _sheet_ids(client, w, "student") == set()
    assert _sheet_ids(client, w, "advisor") == set()


def test_sheet_filters_and_pages(client, api_world):
    w = api_world
    assert _sheet_ids(client, w, "registrar", kind="rating_1") == {w.r1.pk, w.other_r1.pk}
    assert _sheet_ids(client, w, "registrar", section_id=w.section.pk,
                      kind="exam") == {w.exam.pk}
    assert _sheet_ids(client, w, "registrar", state="locked") == set()
    assert _sheet_ids(client, w, "registrar", period_id=w.autumn.pk) == set()
    page = client.get(f"{URL}/sheets", {"page_size": 4, "page": 2},
                      **auth(w, "registrar")).json()
    assert (page["count"], len(page["items"])) == (6, 2)


@pytest.mark.parametrize("role, status", [
    ("registrar", 200), ("teacher", 200), ("dean", 200),
    ("other_teacher", 404), ("other_dean", 404), ("student", 404), ("advisor", 404),
])
def test_one_sheet_is_seen_only_in_scope(client, api_world, role, status):
    w = api_world
    response = client.get(f"{URL}/sheets/{w.r1.pk}", **auth(w, role))
    assert response.status_code == status
    if status == 200:
        body = response.json()
        assert body["kind"] == "rating_1" and body["section_code"] == "PHY1201-01"
        assert [e["student_id"] for e in body["entries"]] == [s.pk for s in w.students]
        assert body["can_enter"] is (role == "teacher")


def test_the_teacher_enters_scores(client, api_world):
    w = api_world
    response = _post_scores(client, w, [
        {"student_id": w.students[0].pk, "score": 85.5},
        {"student_id": w.students[1].pk, "score": "90"},
        {"student_id": w.students[2].pk, "parts": [70, 81]},
    ])
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["changed"] == 3
    entered = {e["student_id"]: e for e in body["sheet"]["entries"]}
    assert Decimal(entered[w.students[0].pk]["score"]) == Decimal("85.5")
    assert entered[w.students[2].pk]["parts"] == ["70", "81"]
    assert [_score(w.r1, s) for s in w.students] == [Decimal("85.5"), Decimal("90"),
                                                    Decimal("75.5")]
    again = _post_scores(client, w, [{"student_id": w.students[0].pk, "score": 85.5}])
    assert again.json()["changed"] == 0  # the same value again changes nothing


@pytest.mark.parametrize("row, field", [
    ({"score": 150}, "rows.1.score"),
    ({"score": -1}, "rows.1.score"),
    ({"score": 77.123}, "rows.1.score"),
    ({"score": "many"}, "rows.1.score"),
    ({"parts": [90, 101]}, "rows.1.parts.1"),
    ({"absence_share": 2}, "rows.1.absence_share"),
])
def test_an_invalid_value_is_422_naming_the_row_and_field(client, api_world, row, field):
    w = api_world
    response = _post_scores(client, w, [{"student_id": w.students[0].pk, "score": 60},
                                        {"student_id": w.students[1].pk, **row}])
    assert response.status_code == 422, response.content
    body = response.json()
    assert field in [p["field"] for p in body["problems"]]
    assert all(p["message"] for p in body["problems"])
    assert _score(w.r1, w.students[0]) is None  # all or nothing


def test_a_student_not_on_the_sheet_is_422(client, api_world):
    w = api_world
    response = _post_scores(client, w, [{"student_id": w.students[0].pk, "score": 60},
                                        {"student_id": w.outsider.pk, "score": 70}])
    assert response.status_code == 422
    assert response.json()["problems"][0]["field"] == "rows.1.student_id"
    assert _score(w.r1, w.students[0]) is None


def test_a_refusal_of_the_rules_names_the_row(client, api_world):
    """"Absent" applies to exam statements only: the service refuses, naming the row."""
    w = api_world
    response = _post_scores(client, w, [{"student_id": w.students[0].pk, "score": 60},
                                        {"student_id": w.students[2].pk, "absent": True}])
    assert response.status_code == 422
    assert response.json()["problems"][0]["field"] == "rows.1.absent"


def test_a_sheet_not_open_for_entry_is_409(client, api_world):
    """The exam statement takes scores only after the exam."""
    w = api_world
    response = _post_scores(client, w, [{"student_id": w.students[0].pk, "score": 60}],
                            sheet=w.exam)
    assert response.status_code == 409
    assert response.json()["problems"][0]["field"] == "sheet"
    w.r1.state = SheetState.LOCKED
    w.r1.save(update_fields=["state"])
    locked = _post_scores(client, w, [{"student_id": w.students[0].pk, "score": 60}])
    assert locked.status_code == 409


@pytest.mark.parametrize("role, status", [
    ("registrar", 403), ("dean", 403), ("other_teacher", 404), ("other_dean", 404),
    ("student", 404),
])
def test_only_the_sheets_teacher_writes(client, api_world, role, status):
    w = api_world
    response = _post_scores(client, w, [{"student_id": w.students[0].pk, "score": 60}],
                            role=role)
    assert response.status_code == status
    assert _score(w.r1, w.students[0]) is None


def test_empty_or_missing_rows_are_422(client, api_world):
    w = api_world
    empty = _post_scores(client, w, [])
    assert empty.status_code == 422 and empty.json()["problems"][0]["field"] == "rows"
    missing = client.post(f"{URL}/sheets/{w.r1.pk}/scores", {}, content_type="application/json",
                          **auth(w, "teacher"))
    assert missing.status_code == 422 and missing.json()["problems"][0]["field"] == "rows"


def test_a_student_reads_their_own_scores_as_soon_as_entered(client, api_world):
    w = api_world
    before = client.get(f"{URL}/mine", **auth(w, "student")).json()
    assert before["count"] == 1 and before["items"][0]["r1"] is None
    _post_scores(client, w, [{"student_id": w.student.pk, "score": 88}])
    mine = client.get(f"{URL}/mine", {"period_id": w.spring.pk}, **auth(w, "student")).json()
    row = mine["items"][0]
    assert (row["section_code"], row["discipline_code"]) == ("PHY1201-01", "PHY1201")
    assert Decimal(row["r1"]["score"]) == 88 and row["r1"]["locked"] is False
    assert client.get(f"{URL}/mine", {"period_id": w.autumn.pk},
                      **auth(w, "student")).json()["count"] == 0


def test_my_scores_are_a_students(client, api_world):
    assert client.get(f"{URL}/mine", **auth(api_world, "registrar")).status_code == 403
    assert client.get(f"{URL}/mine", **auth(api_world, "teacher")).status_code == 403
