"""Fuzzing grade entry (§6): the portal grid POST, the HTMX score check, the XLSX/CSV upload of
a statement and the OneRoster results import. Never a 500 or a stray exception; every refusal
names the field (or row and column) and its reason; all or nothing, as documented: the grid and
an upload enter every row or none (`services.enter_scores` is one transaction)."""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from hypothesis import example, given
from hypothesis import strategies as st

from registrar.assessment import services, spreadsheets
from registrar.assessment.models import GradeChange, GradeEntry, GradeSheet
from registrar.audit.models import AuditEvent
from registrar.interop import oneroster
from registrar.people.imports import ImportFailed
from tests.assessment.conftest import build_world
from tests.interop.helpers import gradebook

from .strategies import (
    SQLISH,
    assert_messages,
    broken_archives,
    cell_values,
    csv_bytes,
    fuzz,
    nasty_text,
    snapshot,
    xlsx,
    zip_of,
)

pytestmark = pytest.mark.django_db

TABLES = (GradeEntry, GradeChange, AuditEvent)
BAD_SCORES = ["-1", "-0.01", "100.01", "101", "1e3", "NaN", "nan", "sNaN", "Infinity", "-inf",
              "85.555", "８５", "٨٥", "8_5", "85 5", "85..5", "eighty", "1/2", "0x10", "85%",
              "9" * 500, "1e-999999999", "1e999999999", "\x00", "85\x00", *SQLISH]


GOOD_SHARES = ["", "  ", "0.15", "0,2", "1", "0.125"]
BAD_SHARES = ["1.5", "-0.1", "0.1234", "NaN", "١", "15%", "0.５", "x"]


def reference(text: str) -> Decimal | None | str:
    """What a typed score means, written independently of the code under test: a Decimal, None
    for an empty cell, or "bad"."""
    value = text.strip().replace(",", ".")
    if not value:
        return None
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d{1,4})?", value, re.ASCII):
        return "bad"
    number = Decimal(value)
    if not 0 <= number <= 100 or number != number.quantize(Decimal("0.01")):
        return "bad"
    return number


def typed_scores() -> st.SearchStrategy[str]:
    good = st.one_of(
        st.integers(0, 100).map(str),
        st.decimals(0, 100, places=2).map(str),
        st.decimals(0, 100, places=1).map(lambda d: str(d).replace(".", ",")),
        st.sampled_from(["", "  ", " 85 ", "100", "0", "0.00", "+85", "85."]),
    )
    return st.one_of(good, st.sampled_from(BAD_SCORES), nasty_text(20))


@pytest.fixture
def gw():
    """The statements world with R1 and R2 open now (the grid uses the real clock)."""
    with translation.override("en"):
        w = build_world()
        GradeSheet.objects.filter(pk__in=[w.r1.pk, w.r2.pk]).update(
            entry_deadline=timezone.now() + dt.timedelta(days=30))
        yield w


def scores(sheet) -> dict[int, Decimal | None]:
    return dict(GradeEntry.objects.filter(sheet=sheet).values_list("student_id", "score"))


def teacher_client(gw) -> Client:
    """A fresh client per example, so that no message of an earlier example is left over."""
    client = Client()
    client.force_login(gw.teacher)
    return client


def messages_of(response) -> list[tuple[str, str]]:
    return [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]


# --- The grid ---------------------------------------------------------------------------------

@fuzz(40)
@given(data=st.data())
def test_grid_enters_every_row_or_none(gw, data):
    client = teacher_client(gw)
    sheet = gw.r2
    typed = {s.pk: data.draw(typed_scores(), label=f"score {s.pk}") for s in gw.students}
    absence = {s.pk: data.draw(st.sampled_from([*GOOD_SHARES, *BAD_SHARES]), label="absence")
               for s in gw.students[:2]}
    post = {f"score-{pk}": value for pk, value in typed.items()}
    post.update({f"absence-{pk}": value for pk, value in absence.items()})
    before = snapshot(*TABLES)
    response = client.post(reverse("portal:sheet_detail", args=[sheet.pk]), post)
    assert response.status_code == 302
    shown = messages_of(response)
    meant = {pk: reference(v) for pk, v in typed.items()}
    share_bad = any(v in BAD_SHARES for v in absence.values())
    if "bad" in meant.values() or share_bad:
        assert [level for level, _ in shown] == ["error"], shown
        assert_messages(text for _, text in shown)
        # the refusal names the student (the row) and says what is wrong with the value
        assert any(s.full_name in shown[0][1] for s in gw.students), shown
        assert snapshot(*TABLES) == before
    else:
        assert [level for level, _ in shown] == ["success"], (shown, typed, absence)
        assert scores(sheet) == meant


@fuzz(60)
@given(value=typed_scores())
@example(value="<img src=x onerror=alert(1)>")
@example(value="８５")
@example(value="8_5")
@example(value="   ")
def test_live_score_check_answers_without_markup(client, gw, value):
    client.force_login(gw.teacher)
    response = client.post(reverse("portal:sheet_validate", args=[gw.r1.pk]),
                           {f"score-{gw.students[0].pk}": value})
    assert response.status_code == 200
    body = response.content.decode()
    assert "<" not in body and ">" not in body  # escaped: HTMX inserts it as HTML
    if reference(value) == "bad":
        assert body.strip()
    else:
        assert body == ""


@fuzz(60)
@given(value=typed_scores())
def test_parse_score_refuses_with_the_field_or_returns_a_valid_score(value):
    meant = reference(value)
    if meant is None:
        return
    try:
        parsed = services.parse_score(value, "part_2")
    except services.GradingRefused as refused:
        assert meant == "bad", value
        assert refused.field == "part_2"
        assert_messages([refused.message])
        assert len(refused.message) < 200
    else:
        assert parsed == meant


# --- The upload -------------------------------------------------------------------------------

def template_with(sheet, values: dict[str, dict[str, object]]) -> bytes:
    import io

    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(spreadsheets.sheet_template_xlsx(sheet)))
    rows = book["scores"]
    header = [c.value for c in rows[1]]
    for row in rows.iter_rows(min_row=2):
        for column, value in values.get(str(row[0].value), {}).items():
            row[header.index(column)].value = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client, sheet, name: str, content: bytes):
    return client.post(reverse("portal:sheet_upload", args=[sheet.pk]),
                       {"file": SimpleUploadedFile(name, content)})


@fuzz(30)
@given(data=st.data())
def test_upload_of_garbage_is_refused_whole(gw, data):
    client = teacher_client(gw)
    sheet = gw.r2
    valid = template_with(sheet, {s.iin: {"score": 70} for s in gw.students})
    content = data.draw(st.one_of(
        st.binary(max_size=1500), broken_archives(valid),
        st.just(csv_bytes([["iin", "score"], [gw.students[0].iin, "70"]], encoding="utf-16")),
        st.just(b""), st.just(csv_bytes([["iin", "score"], ["\x00" * 12, "70"]]))))
    name = data.draw(st.sampled_from(["s.xlsx", "s.csv", "s.xls", "s"]))
    before = snapshot(*TABLES)
    response = upload(client, sheet, name, content)
    assert response.status_code == 302
    shown = messages_of(response)
    assert len({level for level, _ in shown}) == 1, shown
    if shown[0][0] == "success":  # a damage zipfile tolerates (e.g. in a local header)
        assert set(scores(sheet).values()) == {Decimal(70)}
        return
    assert_messages(text for _, text in shown)
    assert snapshot(*TABLES) == before


@fuzz(25)
@given(data=st.data())
def test_upload_with_one_bad_cell_enters_nothing(gw, data):
    sheet = gw.r2
    values: dict[str, dict[str, object]] = {s.iin: {"score": 60 + n}
                                            for n, s in enumerate(gw.students)}
    victim = data.draw(st.sampled_from(gw.students))
    column = data.draw(st.sampled_from(["score", "part_1", "absence_share", "iin"]))
    bad = data.draw(st.one_of(st.sampled_from(BAD_SCORES).filter(lambda v: "\x00" not in v),
                              cell_values()).filter(
        # (a non-finite float is not kept by a workbook: it reads back as an empty cell)
        lambda v: column == "iin" or (v is not None and reference(str(v)) == "bad"
                                      and not (isinstance(v, float) and not math.isfinite(v)))))
    if column == "iin":
        values[victim.iin] = {"iin": bad if bad not in (None, "") else "000000000000",
                              "score": 50}
    else:
        values[victim.iin][column] = bad
    content = template_with(sheet, values)
    before = snapshot(*TABLES)
    try:
        spreadsheets.upload_scores(sheet, "r2.xlsx", content, gw.teacher,
                                   now=timezone.now())
    except ImportFailed as failed:
        assert_messages(e.message for e in failed.errors)
        assert all(e.row >= 0 and e.column for e in failed.errors if e.row), failed.errors
    else:
        # only an absence share or an iin column may turn out fine (e.g. True is "1" = 100%)
        assert column in ("absence_share", "iin"), (column, bad)
        return
    assert snapshot(*TABLES) == before


@fuzz(25)
@given(header=st.lists(st.sampled_from(["iin", "score", "part_1", "part_9", "absent",
                                        "absence_share", "", "IIN", "note", "score"]),
                       max_size=8),
       body=st.lists(st.lists(cell_values(), max_size=9), max_size=6))
def test_upload_of_random_workbooks(gw, header, body):
    before = snapshot(*TABLES)
    for sheet in (gw.r1, gw.exam):
        with pytest.raises((ImportFailed, services.GradingRefused)) as caught:
            spreadsheets.upload_scores(sheet, "x.xlsx", xlsx([header, *body]), gw.teacher,
                                       now=timezone.now())
        if isinstance(caught.value, ImportFailed):
            assert_messages(e.message for e in caught.value.errors)
        else:
            assert_messages([caught.value.message])
    assert snapshot(*TABLES) == before


# --- OneRoster results ------------------------------------------------------------------------

def import_or_problems(gw, content: bytes) -> oneroster.ImportReport | list:
    try:
        return oneroster.import_results(content, by=gw.teacher, now=timezone.now())
    except oneroster.ResultsImportFailed as failed:
        assert failed.problems
        assert_messages(p.message for p in failed.problems)
        assert_messages(str(p) for p in failed.problems)
        return failed.problems


@fuzz(30)
@given(data=st.data())
def test_oneroster_archives_of_garbage(gw, data):
    valid = gradebook([{"sourcedId": "li-1", "title": "R1", "classSourcedId":
                        f"cls-{gw.section.pk}"}], [])
    content = data.draw(st.one_of(st.binary(max_size=1500), broken_archives(valid),
                                  st.just(b"")))
    before = snapshot(*TABLES)
    assert isinstance(import_or_problems(gw, content), list)
    assert snapshot(*TABLES) == before


FIELDS = ["sourcedId", "lineItemSourcedId", "studentSourcedId", "scoreStatus", "score",
          "classSourcedId", "resultValueMin", "resultValueMax"]


@fuzz(50)
@given(data=st.data())
def test_oneroster_one_bad_value_among_valid_results(gw, data):
    cls = f"cls-{gw.section.pk}"
    items = [{"sourcedId": "li-1", "title": "R2", "classSourcedId": cls,
              "resultValueMin": "0", "resultValueMax": "100"}]
    results = [{"sourcedId": f"r-{s.pk}", "lineItemSourcedId": "li-1",
                "studentSourcedId": f"stu-{s.pk}", "scoreStatus": "fully graded",
                "score": str(50 + n)} for n, s in enumerate(gw.students)]
    field = data.draw(st.sampled_from(FIELDS))
    value = data.draw(st.one_of(
        st.sampled_from(["", "cls-²", "stu-²", "stu-" + "9" * 5000, "cls-" + "9" * 30,
                         "1e9999999", "-1e9999999", "1e-9999999", "NaN", "Infinity",
                         "99999999999999999999", "graded", "0"]),
        nasty_text(20).map(lambda v: v.replace("\x00", ""))))
    target = items[0] if field in ("classSourcedId", "resultValueMin", "resultValueMax") else (
        data.draw(st.sampled_from(results)))
    target[field] = value
    content = gradebook(items, results)
    before = snapshot(*TABLES)
    outcome = import_or_problems(gw, content)
    if isinstance(outcome, list):
        assert snapshot(*TABLES) == before
    else:  # a harmless value (e.g. another scale): every result entered
        assert outcome.entered + outcome.unchanged + outcome.skipped == len(results)


@pytest.mark.parametrize("field,value", [
    ("studentSourcedId", "stu-²"),  # was ValueError from int(): a 500
    ("classSourcedId", "cls-²"),
    ("studentSourcedId", "stu-" + "9" * 5000),  # was ValueError: int() digit limit
    ("resultValueMax", "1e9999999"),  # was decimal.Overflow while rescaling
])
def test_oneroster_regressions(gw, field, value):
    cls = f"cls-{gw.section.pk}"
    items = [{"sourcedId": "li-1", "title": "R2", "classSourcedId": cls}]
    results = [{"sourcedId": "r-1", "lineItemSourcedId": "li-1",
                "studentSourcedId": f"stu-{gw.students[0].pk}", "scoreStatus": "fully graded",
                "score": "50"}]
    (items[0] if field in ("classSourcedId", "resultValueMax") else results[0])[field] = value
    before = snapshot(*TABLES)
    problems = import_or_problems(gw, gradebook(items, results))
    assert isinstance(problems, list) and problems[0].column == field, problems
    assert snapshot(*TABLES) == before


@pytest.mark.parametrize("how", ["encrypted", "method", "deflate"])
def test_oneroster_damaged_archive_regressions(gw, how):
    """Were RuntimeError, NotImplementedError and zlib.error from zipfile: 500s."""
    content = bytearray(zip_of({"lineItems.csv": b"sourcedId,title\n" * 50,
                                "results.csv": b"sourcedId,score\n" * 50}))
    for signature, flag_at, method_at in ((b"PK\x03\x04", 6, 8), (b"PK\x01\x02", 8, 10)):
        start = content.find(signature)
        while start != -1:
            if how == "encrypted":
                content[start + flag_at] |= 1
            elif how == "method":
                content[start + method_at] = 77
            start = content.find(signature, start + 4)
    if how == "deflate":
        start = content.find(b"PK\x03\x04") + 30 + len("lineItems.csv")
        content[start:start + 4] = b"\xff\xff\xff\xff"
    problems = import_or_problems(gw, bytes(content))
    assert isinstance(problems, list)
    assert problems[0].message == "The file is not a ZIP archive of OneRoster CSV files."
