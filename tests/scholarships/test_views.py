"""Scholarship pages: lists, filters, totals, exports, the order button, the competition page,
and who may see them (registrar all; dean own faculty, others 404; students and teachers 403).
"""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from registrar.contingent.choices import OrderType
from registrar.contingent.models import Order
from registrar.scholarships import services
from tests import factories

from .builders import PAYMENT, enrol, grade, student

pytestmark = pytest.mark.django_db


@pytest.fixture
def lists(world):
    """A faculty round (2 awards, 1 exclusion), a university round of the spring, and a
    competition of the faculty's programme."""
    w = world
    w.good = student(w, "B", "A")
    w.best = student(w, "A", "A-", year_of_study=3)
    w.failed = student(w, "A", "FX")
    w.round = services.compute_round(services.create_round(
        by=w.registrar, period=w.autumn, faculty=w.faculty, payment_starts_on=PAYMENT,
        months=5), by=w.registrar)
    w.university_round = services.create_round(by=w.registrar, period=w.spring, faculty=None,
                                               payment_starts_on=PAYMENT, months=4)
    w.candidate, = enrol(w, funding="paid")
    grade(w, w.candidate, w.autumn, "A")
    w.competition = services.create_competition(by=w.registrar, period=w.autumn,
                                                programme=w.programme, grants=1)
    return w


def url(name, *args):
    return reverse(f"scholarships:{name}", args=args)


def test_registrar_sees_the_list_with_totals(client, lists):
    client.force_login(lists.registrar)
    response = client.get(url("round_detail", lists.round.pk))
    assert response.status_code == 200
    page = response.content.decode()
    assert lists.good.full_name in page and lists.best.full_name in page
    totals = response.context["totals"]
    assert (totals.students, totals.monthly, totals.period_total) == (
        2, Decimal("105000"), Decimal("525000"))  # 42 000 + 63 000; × 5 months
    assert [s.pk for s, _reasons in response.context["exclusions"]] == [lists.failed.pk]
    assert "failing grades in the session: FX" in page
    assert client.get(url("round_list")).status_code == 200


def test_filter_by_kind_and_programme(client, lists):
    client.force_login(lists.registrar)
    response = client.get(url("round_detail", lists.round.pk), {"kind": "presidential"})
    assert [a.student_id for a, _g in response.context["rows"]] == [lists.best.pk]
    assert response.context["totals"].monthly == Decimal("63000")
    response = client.get(url("round_detail", lists.round.pk),
                          {"programme": lists.programme.pk})
    assert len(response.context["rows"]) == 2


def test_dean_sees_own_faculty_only(client, lists):
    client.force_login(lists.dean)
    assert client.get(url("round_detail", lists.round.pk)).status_code == 200
    assert client.get(url("competition_detail", lists.competition.pk)).status_code == 200
    # The university-wide round is the registrar's.
    assert client.get(url("round_detail", lists.university_round.pk)).status_code == 404
    client.force_login(lists.other_dean)
    for name, pk in (("round_detail", lists.round.pk), ("round_xlsx", lists.round.pk),
                     ("competition_detail", lists.competition.pk)):
        assert client.get(url(name, pk)).status_code == 404
    assert client.post(url("round_compute", lists.round.pk)).status_code == 404
    assert client.post(url("round_draft_order", lists.round.pk)).status_code == 404
    assert client.post(url("competition_rank", lists.competition.pk)).status_code == 404
    response = client.get(url("round_list"))
    assert list(response.context["rounds"]) == []


def test_students_and_teachers_are_refused(client, lists):
    account = factories.user()
    lists.good.user = account
    lists.good.save(update_fields=["user"])
    for user in (account, lists.teacher):
        client.force_login(user)
        for name, args in (("round_list", ()), ("round_detail", (lists.round.pk,)),
                           ("round_xlsx", (lists.round.pk,)),
                           ("round_pdf", (lists.round.pk, "ru")),
                           ("competition_list", ()),
                           ("competition_detail", (lists.competition.pk,))):
            assert client.get(url(name, *args)).status_code == 403, (user, name)
        assert client.post(url("round_draft_order", lists.round.pk)).status_code == 403
    assert not Order.objects.filter(order_type=OrderType.SCHOLARSHIP_AWARD).exists()


def test_anonymous_is_sent_to_sign_in(client, lists):
    response = client.get(url("round_list"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_xlsx_export_has_the_list_and_the_totals(client, lists):
    client.force_login(lists.registrar)
    response = client.get(url("round_xlsx", lists.round.pk))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    rows = list(book.worksheets[0].iter_rows(min_row=5, values_only=True))
    assert {r[2] for r in rows} == {lists.good.iin, lists.best.iin}
    assert {r[10] for r in rows} == {42000, 63000}
    totals = {r[0]: r[1:] for r in book.worksheets[1].iter_rows(min_row=2, values_only=True)}
    assert totals["Monthly fund"] == (2, 105000)
    excluded = list(book.worksheets[2].iter_rows(min_row=2, values_only=True))
    assert [r[2] for r in excluded] == [lists.failed.iin]


def test_pdf_summary_statement(client, lists):
    client.force_login(lists.dean)
    for language in ("kk", "ru", "en"):
        response = client.get(url("round_pdf", lists.round.pk, language))
        assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert client.get(url("round_pdf", lists.round.pk, "de")).status_code == 404


def test_statement_html_shows_amounts_and_totals(lists):
    from registrar.scholarships.statements import statement_html

    html = statement_html(lists.round, lists.round.awards.all(), "ru")
    assert "63\u202f000" in html and "105\u202f000" in html and "525\u202f000" in html
    assert lists.best.full_name_in("ru") in html


def test_draft_order_button(client, lists):
    client.force_login(lists.dean)
    response = client.post(url("round_draft_order", lists.round.pk))
    assert response.status_code == 302
    lists.round.refresh_from_db()
    order = lists.round.order
    assert order is not None and order.items.count() == 2
    page = client.get(url("round_detail", lists.round.pk)).content.decode()
    assert reverse("portal:order_detail", args=[order.pk]) in page


def test_create_round_through_the_page(client, world):
    client.force_login(world.dean)
    response = client.post(url("round_list"), {
        "period": world.spring.pk, "faculty": world.faculty.pk,
        "payment_starts_on": "2026-09-01", "months": 4})
    assert response.status_code == 302
    # A dean must choose their faculty: the whole university is refused by the form.
    response = client.post(url("round_list"), {
        "period": world.autumn.pk, "faculty": "", "payment_starts_on": "2026-02-01",
        "months": 5})
    assert response.status_code == 200 and response.context["form"].errors


def test_competition_page_ranks_and_drafts(client, lists):
    client.force_login(lists.registrar)
    assert client.post(url("competition_rank", lists.competition.pk)).status_code == 302
    response = client.get(url("competition_detail", lists.competition.pk))
    assert [e.student_id for e, _d in response.context["rows"]] == [lists.candidate.pk]
    response = client.post(url("competition_draft_order", lists.competition.pk),
                           {"effective_date": "2026-02-01"})
    assert response.status_code == 302
    lists.competition.refresh_from_db()
    assert lists.competition.order.order_type == OrderType.FUNDING_CHANGE
    assert client.get(url("competition_list")).status_code == 200


def test_refusal_is_shown_not_raised(client, lists):
    client.force_login(lists.registrar)
    response = client.post(url("round_draft_order", lists.university_round.pk), follow=True)
    assert "Compute the list first." in response.content.decode()


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_pages_render_in_every_language(client, lists, language):
    from django.utils import translation

    client.force_login(lists.registrar)
    services.rank(lists.competition, by=lists.registrar)
    with translation.override(language):
        for name, args in (("round_list", ()), ("round_detail", (lists.round.pk,)),
                           ("competition_list", ()),
                           ("competition_detail", (lists.competition.pk,))):
            response = client.get(reverse(f"scholarships:{name}", args=args))
            assert response.status_code == 200, (language, name)
            assert f'lang="{language}"' in response.content.decode()


def test_admin_pages_are_read_only_and_open(client, django_user_model, lists):
    client.force_login(django_user_model.objects.create_superuser("root", "r@x.kz",
                                                                  "pw-Root-123"))
    for model in ("scholarshipround", "scholarshipaward", "grantcompetition",
                  "competitionentry"):
        assert client.get(reverse(f"admin:scholarships_{model}_changelist")).status_code == 200
        assert client.get(reverse(f"admin:scholarships_{model}_add")).status_code == 403
    response = client.get(reverse("admin:scholarships_scholarshipround_change",
                                  args=[lists.round.pk]))
    assert response.status_code == 200
