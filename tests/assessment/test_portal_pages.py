"""Grade pages of the portal: a teacher opens only their own sheets, a student sees only
their own scores, the grade-change report is the registrar's (§1, §6)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from registrar.assessment import services
from registrar.assessment.models import GradeSheet

from .conftest import R1_DEADLINE


def test_teacher_opens_own_sheet_but_not_another_teachers(client, world):
    client.force_login(world.teacher)
    assert client.get(reverse("portal:sheet_detail", args=[world.r1.pk])).status_code == 200
    other = GradeSheet.objects.create(section=world.other_section, kind="rating_1",
                                      entry_deadline=R1_DEADLINE)
    assert client.get(reverse("portal:sheet_detail", args=[other.pk])).status_code == 404
    response = client.post(reverse("portal:sheet_detail", args=[other.pk]),
                           {f"score-{world.students[0].pk}": "90"})
    assert response.status_code == 404
    assert other.entries.filter(score__isnull=False).count() == 0


def test_student_cannot_open_sheets_and_sees_own_scores(client, world):
    me = world.students[0]
    services.enter_scores(world.r1, [{"student_id": me.pk, "score": "77"},
                                     {"student_id": world.students[1].pk, "score": "66"}],
                          by=world.teacher, now=R1_DEADLINE.replace(hour=0))
    client.force_login(me.user)
    assert client.get(reverse("portal:sheet_detail", args=[world.r1.pk])).status_code == 404
    page = client.get(reverse("portal:my_grades"))
    assert page.status_code == 200
    assert b"77" in page.content and b"66.00" not in page.content


def test_grade_change_report_is_for_the_registrar(client, world):
    client.force_login(world.teacher)
    assert client.get(reverse("portal:grade_changes")).status_code == 403
    client.force_login(world.registrar)
    assert client.get(reverse("portal:grade_changes")).status_code == 200


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_sheet_prints_for_its_teacher(client, world, language):
    client.force_login(world.teacher)
    response = client.get(reverse("portal:sheet_print", args=[world.r1.pk, language]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
