"""The registrar's pages of blank forms, their PDFs and XLSX, and who may use them (§11)."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from registrar.blanks import documents, services
from registrar.blanks.models import Batch, BlankForm, FormState, SpoilAct
from registrar.blanks.views import parse_serial_lines
from tests import factories

from .helpers import batch, graduate

pytestmark = pytest.mark.django_db


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def books():
    reg = factories.registrar()
    batch(reg, first=12340, last=12349, supplier="Banknote Factory", invoice="WB-77")
    student = graduate()
    form = services.issue_form(form_type="BD", student=student, by=reg,
                               document_code="K7QM-3XRD-P2WA")
    act = services.spoil_forms(["BD 0012349"], act_number="5/2025", reason="Printer jam",
                               by=reg)
    return reg, student, form, act


def _urls(student, form, act):
    return [
        ("get", reverse("blanks:inventory")),
        ("get", reverse("blanks:inventory_xlsx")),
        ("get", reverse("blanks:receive")),
        ("get", reverse("blanks:form_list")),
        ("get", reverse("blanks:form_detail", args=[form.pk])),
        ("get", reverse("blanks:receipt_pdf", args=[form.pk])),
        ("post", reverse("blanks:sign_receipt", args=[form.pk])),
        ("get", reverse("blanks:issue", args=[student.pk])),
        ("post", reverse("blanks:issue", args=[student.pk])),
        ("get", reverse("blanks:spoil")),
        ("post", reverse("blanks:spoil")),
        ("get", reverse("blanks:act_list")),
        ("get", reverse("blanks:act_pdf", args=[act.pk])),
    ]


def test_the_registrar_opens_every_page(client, books):
    reg, student, form, act = books
    client.force_login(reg)
    for method, url in _urls(student, form, act):
        if method == "get":
            response = client.get(url)
            assert response.status_code == 200, url


@pytest.mark.parametrize("who", ["teacher", "student", "advisor", "dean", "nobody"])
def test_everyone_else_is_refused(client, books, who):
    _reg, student, form, act = books
    faculty = student.programme.department.faculty
    if who == "student":
        user = factories.user()
        student.user = user
        student.save()
    elif who == "dean":
        user = factories.dean(faculty)
    elif who == "nobody":
        user = factories.user()
    else:
        user = factories.user(role=who)
    client.force_login(user)
    before = (Batch.objects.count(), BlankForm.objects.filter(state="in_stock").count())
    for method, url in _urls(student, form, act):
        if who == "dean" and url in (reverse("blanks:inventory"),
                                     reverse("blanks:inventory_xlsx")):
            assert client.get(url).status_code == 200
            continue
        response = getattr(client, method)(url, {"act_number": "X", "reason": "x",
                                                 "serials": "BD 0012345",
                                                 "drawn_up_on": "2025-06-03",
                                                 "form_type": "BD"})
        assert response.status_code == 403, (who, url)
    assert (Batch.objects.count(), BlankForm.objects.filter(state="in_stock").count()) == before


def test_signed_out_is_sent_to_sign_in(client, books):
    response = client.get(reverse("blanks:inventory"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_receive_page_receives_and_shows_refusals_on_the_field(client):
    reg = factories.registrar()
    client.force_login(reg)
    url = reverse("blanks:receive")
    data = {"form_type": "MD", "first_number": "100", "last_number": "119",
            "received_on": "2025-06-02", "supplier": "Factory", "invoice": "N-1"}
    response = client.post(url, data)
    assert response.status_code == 302
    assert Batch.objects.get().quantity == 20
    response = client.post(url, {**data, "first_number": "110", "last_number": "130"})
    assert response.status_code == 200
    assert "MD 0000110" in response.context["form"].errors["first_number"][0]
    response = client.post(url, {**data, "first_number": "", "last_number": "",
                                 "numbers": "200, 202\n204"})
    assert response.status_code == 302
    assert Batch.objects.count() == 2
    response = client.post(url, {**data, "numbers": "300"})  # a range and a list
    assert response.status_code == 200 and response.context["form"].non_field_errors()


def test_issue_page_issues_and_refuses_a_second_form(client):
    reg = factories.registrar()
    batch(reg, first=1, last=3)
    student = graduate()
    client.force_login(reg)
    url = reverse("blanks:issue", args=[student.pk])
    response = client.post(url, {"form_type": "BD", "serial": "", "document_code": ""})
    form = BlankForm.objects.get(state=FormState.ISSUED)
    assert response.status_code == 302
    assert response["Location"] == reverse("blanks:form_detail", args=[form.pk])
    response = client.post(url, {"form_type": "BD", "serial": "", "document_code": ""})
    assert response.status_code == 200
    assert form.serial in response.context["form"].errors["form_type"][0]
    response = client.post(url, {"form_type": "SUPPLEMENT", "serial": "BD 2"})
    assert response.context["form"].errors["serial"]


def test_spoil_page_takes_ranges(client):
    reg = factories.registrar()
    batch(reg, first=1, last=20)
    client.force_login(reg)
    response = client.post(reverse("blanks:spoil"), {
        "serials": "BD 0000003 – 0000005\nBD 9", "act_number": "A-7",
        "drawn_up_on": "2025-06-03", "reason": "Water damage"})
    assert response.status_code == 302
    act = SpoilAct.objects.get()
    assert sorted(act.forms.values_list("number", flat=True)) == [3, 4, 5, 9]
    response = client.post(reverse("blanks:spoil"), {
        "serials": "BD 9", "act_number": "A-8", "drawn_up_on": "2025-06-03", "reason": "x"})
    assert response.status_code == 200 and response.context["form"].errors["serials"]


def test_parse_serial_lines():
    assert parse_serial_lines("BD 1\nbd 0000003-0000005, BD 7 – BD 8") == [
        "BD 1", "BD 3", "BD 4", "BD 5", "BD 7", "BD 8"]
    with pytest.raises(Exception):  # noqa: B017
        parse_serial_lines("BD 5 - MD 7")
    with pytest.raises(Exception):  # noqa: B017
        parse_serial_lines("hello")


def test_sign_receipt_page(client, books):
    reg, _student, form, _act = books
    client.force_login(reg)
    client.post(reverse("blanks:sign_receipt", args=[form.pk]), {"signed_on": ""})
    form.refresh_from_db()
    assert form.receipt_signed_on is None
    from django.utils import timezone

    today = timezone.localdate().isoformat()
    client.post(reverse("blanks:sign_receipt", args=[form.pk]), {"signed_on": today})
    form.refresh_from_db()
    assert form.receipt_signed_on.isoformat() == today


@pytest.mark.parametrize("language", ["ru", "kk", "en"])
def test_receipt_pdf_shows_the_serial_and_the_graduate(books, language):
    _reg, student, form, _act = books
    text = _text(documents.receipt_pdf(form, language))
    assert "BD 0012340" in text
    assert student.iin in text and form.receipt_number in text
    assert "K7QM-3XRD-P2WA" in text
    assert student.full_name_in(language).split()[0] in text


def test_act_pdf_lists_the_forms(books):
    _reg, _student, _form, act = books
    text = _text(documents.act_pdf(act, "en"))
    assert "BD 0012349" in text and "5/2025" in text and "Printer jam" in text


def test_pdf_downloads(client, books):
    reg, _student, form, act = books
    client.force_login(reg)
    response = client.get(reverse("blanks:receipt_pdf", args=[form.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert "BD 0012340" in _text(response.content)
    response = client.get(reverse("blanks:act_pdf", args=[act.pk]))
    assert "BD 0012349" in _text(response.content)
    assert 'filename="write-off-act-5-2025.pdf"' in response["Content-Disposition"]
    stock = BlankForm.objects.get(number=12345)
    assert client.get(reverse("blanks:receipt_pdf", args=[stock.pk])).status_code == 403


def test_inventory_page_and_xlsx(client, books):
    reg, *_ = books
    client.force_login(reg)
    response = client.get(reverse("blanks:inventory"))
    assert response.context["inventory"].reconciles
    html = response.content.decode()
    assert "BD 0012340 – 0012349" in html
    response = client.get(reverse("blanks:inventory_xlsx"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    batch_rows = [r for r in rows if r[1] == "BD 0012340 – 0012349"]
    assert batch_rows and list(batch_rows[0][5:9]) == [10, 1, 1, 8]


def test_form_list_finds_by_serial_and_name(client, books):
    reg, student, form, _act = books
    client.force_login(reg)
    response = client.get(reverse("blanks:form_list"), {"q": "bd 12340"})
    assert [f.pk for f in response.context["page"]] == [form.pk]
    response = client.get(reverse("blanks:form_list"), {"q": student.iin})
    assert [f.pk for f in response.context["page"]] == [form.pk]
    response = client.get(reverse("blanks:form_list"), {"state": "in_stock", "type": "BD"})
    assert len(response.context["page"]) == 8


@pytest.mark.parametrize("model", ["batch", "blankform", "spoilact", "receiptcounter"])
def test_admin_lists_are_read_only(client, django_user_model, books, model):
    root = django_user_model.objects.create_superuser("root", "r@x.kz", "pw-Root-123")
    client.force_login(root)
    assert client.get(reverse(f"admin:blanks_{model}_changelist")).status_code == 200
    assert client.get(reverse(f"admin:blanks_{model}_add")).status_code == 403
