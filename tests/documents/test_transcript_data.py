"""The transcript snapshot (§7, §11): terms in time order, every attempt, the GPA figures of the
stored snapshots rounded half-up to 2 decimals. Figures are computed by hand in world.py."""

from __future__ import annotations

import json

import pytest

from registrar.documents.selectors import transcript_data
from registrar.policy.gpa import display
from registrar.records.models import GpaSnapshot
from registrar.records.services import supersede

from .world import BIRTH, result

pytestmark = pytest.mark.django_db


def test_terms_rows_and_gpa_by_hand(w):
    data = transcript_data(w.student, "en")
    assert [t["period_kind"] for t in data["terms"]] == ["autumn", "spring"]
    autumn, spring = data["terms"]
    assert [r["code"] for r in autumn["rows"]] == ["HIS1102", "MAT1101"]
    assert [r["code"] for r in spring["rows"]] == ["ENG1203", "PHY1202", "PRG1201"]
    mat = autumn["rows"][1]
    assert mat == {
        "code": "MAT1101", "title": "Mathematics", "credits": 2, "score": "92", "letter": "A-",
        "points": "3.67", "traditional": "excellent", "traditional_label": "excellent",
        "kind": "regular", "counted": True, "passed": True, "mark": "",
    }
    # 3.67×2 + 4.00×3 = 19.34; 19.34 / 5 = 3.868 → 3.87
    assert autumn["term_gpa"] == "3.87"
    assert autumn["cumulative_gpa"] == "3.87"
    assert autumn["credits"] == 5 and autumn["credits_earned"] == 5
    # (3.00×5 + 2.33×3 + 0.00×2) / 10 = 21.99 / 10 = 2.199 → 2.20
    assert spring["term_gpa"] == "2.20"
    # (19.34 + 21.99) / 15 = 2.7553 → 2.76
    assert spring["cumulative_gpa"] == "2.76"
    assert spring["year_gpa"] == "2.76"
    phy, eng = spring["rows"][1], spring["rows"][0]
    assert phy["score"] == "71.5" and phy["traditional"] == "good"
    assert eng["letter"] == "F" and eng["passed"] is False and eng["traditional"] == "fail"
    assert data["totals"] == {"credits_earned": 13, "cumulative_gpa": "2.76", "disciplines": 5}


def test_same_figures_as_the_gpa_snapshots(w):
    data = transcript_data(w.student, "ru")
    snapshots = {s.period_id: s for s in GpaSnapshot.objects.filter(student=w.student)}
    for term in data["terms"]:
        snap = snapshots[term["period_id"]]
        assert term["term_gpa"] == str(display(snap.term_gpa))
        assert term["cumulative_gpa"] == str(display(snap.cumulative_gpa))
        assert term["credits_earned"] == snap.credits_earned


def test_holder_in_the_language_and_json_safe(w):
    data = transcript_data(w.student, "kk")
    holder = data["holder"]
    assert holder["name"] == "Жұмабаева Айгерім Серікқызы"
    assert holder["surname"] == "Жұмабаева"
    assert holder["iin"] == w.student.iin and holder["birth_date"] == BIRTH.isoformat()
    assert holder["programme_code"] == w.programme.code
    assert holder["programme_title"] == "Ақпараттық жүйелер"
    assert holder["group"] == w.group.name and holder["status"] == "active"
    assert data["terms"][0]["rows"][1]["title"] == "Математика"
    assert transcript_data(w.student, "en")["holder"]["name"] == "Zhumabayeva Aigerim"
    json.dumps(data)  # plain JSON values only
    assert [b["letter"] for b in data["scale"]][:3] == ["A", "A-", "B+"]


def test_resit_is_marked_and_superseded_attempt_not_counted(w):
    fx = result(w, w.other, w.eng, w.spring, "40", "FX", "0.50", False, may_resit=True)
    supersede(fx, by=w.registrar, reason="resit taken")
    result(w, w.other, w.eng, w.spring, "75", "B-", "2.67", True, kind="resit")
    rows = transcript_data(w.other, "en")["terms"][1]["rows"]
    assert [(r["letter"], r["mark"]) for r in rows] == [
        ("FX", "not counted in GPA"), ("B-", "resit")]
    # Only the resit counts: 2.67×2 / 2 = 2.67
    assert transcript_data(w.other, "en")["terms"][1]["term_gpa"] == "2.67"
