"""The registrar's pages: disclosures (all, or one student's, with filters and XLSX) and denied
access. Nobody else may open them, a dean of the student's faculty included."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from registrar.audit.models import AccessDenial, Disclosure
from registrar.audit.services import disclosed
from registrar.people.models import Role
from tests import factories

pytestmark = pytest.mark.django_db

PAGES = [
    ("audit:disclosures", False), ("audit:disclosures_xlsx", False), ("audit:denials", False),
    ("audit:student_disclosures", True), ("audit:student_disclosures_xlsx", True),
]


def _url(w, name, per_student):
    return reverse(name, args=[w.student.pk] if per_student else [])


@pytest.mark.parametrize(("name", "per_student"), PAGES)
@pytest.mark.parametrize("who", ["dean", "advisor", "teacher", "student_user"])
def test_only_the_registrar_may_open_the_logs(client, w, name, per_student, who):
    user = factories.user(role=Role.TEACHER) if who == "teacher" else getattr(w, who)
    client.force_login(user)
    assert client.get(_url(w, name, per_student)).status_code == 403
    assert AccessDenial.objects.filter(user=user, status=403).count() == 1


@pytest.mark.parametrize(("name", "per_student"), PAGES)
def test_anonymous_is_sent_to_sign_in(client, w, name, per_student):
    response = client.get(_url(w, name, per_student))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_registrar_lists_and_filters_disclosures(client, w):
    disclosed(w.dean, w.student, "card")
    disclosed(w.advisor, w.other, "pdf", detail="transcript X")
    client.force_login(w.registrar)
    page = client.get(reverse("audit:disclosures")).content.decode()
    assert w.dean.username in page and w.advisor.username in page
    filtered = client.get(reverse("audit:disclosures"), {"what": "pdf"}).content.decode()
    assert w.advisor.username in filtered and w.dean.username not in filtered
    by_student = client.get(reverse("audit:disclosures"),
                            {"q": w.student.last_name_ru}).content.decode()
    assert w.dean.username in by_student and w.advisor.username not in by_student
    by_user = client.get(reverse("audit:disclosures"), {"user": w.advisor.username})
    assert w.dean.username not in by_user.content.decode()


def test_the_per_student_page_is_linked_from_the_card(client, w):
    disclosed(w.dean, w.student, "card")
    disclosed(w.dean, w.other, "card")
    client.force_login(w.registrar)
    card = client.get(reverse("portal:student_detail", args=[w.student.pk])).content.decode()
    url = reverse("audit:student_disclosures", args=[w.student.pk])
    assert url in card
    response = client.get(url)
    assert response.status_code == 200
    rows = list(response.context["page"])
    # the dean's view, and the registrar's own opening of the card just now
    assert {r.student for r in rows} == {w.student}
    assert {r.username for r in rows} == {w.dean.username, w.registrar.username}


def test_the_card_shows_no_link_to_a_dean(client, w):
    client.force_login(w.dean)
    card = client.get(reverse("portal:student_detail", args=[w.student.pk])).content.decode()
    assert reverse("audit:student_disclosures", args=[w.student.pk]) not in card


def test_the_disclosures_download_as_xlsx(client, w):
    disclosed(w.dean, w.student, "card")
    disclosed(w.dean, w.student, "xlsx", detail="transcript K7QM-3XRD-P2WA")
    client.force_login(w.registrar)
    response = client.get(reverse("audit:student_disclosures_xlsx", args=[w.student.pk]),
                          {"what": "xlsx"})
    assert response.status_code == 200 and response.content.startswith(b"PK")
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 1
    assert rows[0][2] == w.dean.username and rows[0][4] == w.student.iin
    assert rows[0][6] == "transcript K7QM-3XRD-P2WA"
    everything = client.get(reverse("audit:disclosures_xlsx"))
    assert load_workbook(io.BytesIO(everything.content)).active.max_row == 1 + 2


def test_the_registrar_lists_and_filters_denials(client, w):
    client.force_login(w.student_user)
    client.get(reverse("audit:denials"))
    client.force_login(w.other_dean)
    client.get(reverse("portal:student_detail", args=[w.student.pk]))
    client.force_login(w.registrar)
    page = client.get(reverse("audit:denials")).content.decode()
    assert w.student_user.username in page and w.other_dean.username in page
    only_404 = client.get(reverse("audit:denials"), {"status": "404"}).content.decode()
    assert w.other_dean.username in only_404 and w.student_user.username not in only_404
    assert Disclosure.objects.filter(user=w.other_dean).count() == 0
