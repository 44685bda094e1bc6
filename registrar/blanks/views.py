"""Pages of strict accountability forms (§11), for the Office of the Registrar.

The registrar receives batches, issues a form to a graduate, records the signed receipt,
writes spoiled forms off with an act, and prints receipts and acts. A dean sees the inventory
(and its XLSX); everyone else is answered 403. The pages are thin: every change goes through
`services`, which check the permission again and refuse with a reason naming the field.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from registrar.people.models import Student

from . import documents, selectors, services
from .models import (
    MAX_NUMBER,
    SERIAL_DIGITS,
    BlankForm,
    FormState,
    FormType,
    SpoilAct,
    parse_serial,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# Forms ---------------------------------------------------------------------------------------

class ReceiveForm(forms.Form):
    form_type = forms.ChoiceField(label=gettext_lazy("Form type"), choices=FormType.choices)
    series = forms.CharField(
        label=gettext_lazy("Series"), max_length=12, required=False,
        help_text=gettext_lazy("Capital letters as printed on the forms; empty: the "
                               "type's usual series (BD, MD, DD, DS)."))
    first_number = forms.IntegerField(label=gettext_lazy("First number"), required=False,
                                      min_value=1, max_value=MAX_NUMBER)
    last_number = forms.IntegerField(label=gettext_lazy("Last number"), required=False,
                                     min_value=1, max_value=MAX_NUMBER)
    numbers = forms.CharField(
        label=gettext_lazy("Or the numbers received"), required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("When the batch is not one unbroken range: the numbers, "
                               "separated by spaces, commas or new lines."))
    received_on = forms.DateField(label=gettext_lazy("Received on"), widget=DATE)
    supplier = forms.CharField(label=gettext_lazy("Supplier"), max_length=200, required=False)
    invoice = forms.CharField(label=gettext_lazy("Invoice (waybill) number"), max_length=100,
                              required=False)
    note = forms.CharField(label=gettext_lazy("Note"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def clean_numbers(self) -> list[int] | None:
        text = self.cleaned_data.get("numbers", "").strip()
        if not text:
            return None
        parts = [p for p in re.split(r"[\s,;]+", text) if p]
        if not all(p.isdigit() and len(p) <= SERIAL_DIGITS for p in parts):
            raise forms.ValidationError(_("Type only numbers (up to %(digits)s digits), "
                                          "separated by spaces, commas or new lines.")
                                        % {"digits": SERIAL_DIGITS})
        return [int(p) for p in parts]

    def clean(self) -> dict[str, Any] | None:
        data = super().clean() or {}
        has_range = data.get("first_number") is not None
        if has_range == bool(data.get("numbers")) and not self.errors:
            raise forms.ValidationError(_("Give either the first and last numbers of the "
                                          "range, or the list of numbers, not both."))
        return data


_RANGE_RE = re.compile(r"^(.*?\d+)\s*[-–—]\s*(?:(.*?[^\d\s])\s*)?(\d+)$")


def parse_serial_lines(text: str) -> list[str]:
    """Serials, one per line or separated by commas, or ranges ("BD 0000012 – 0000015",
    "BD 12-15"), expanded into single serials. Raises ValidationError naming a bad line."""
    serials: list[str] = []
    for line in re.split(r"[\n,;]+", text or ""):
        line = line.strip()
        if not line:
            continue
        single = parse_serial(line)
        if single is not None:
            serials.append(f"{single[0]} {single[1]}")
            continue
        match = _RANGE_RE.match(line)
        first = parse_serial(match.group(1)) if match else None
        if match is None or first is None:
            raise forms.ValidationError(_("“%(line)s” is neither a serial number nor a range "
                                          "like “BD 0000012 – 0000015”.") % {"line": line})
        last_series = (match.group(2) or first[0]).strip().upper()
        last = int(match.group(3))
        if last_series != first[0] or last < first[1] or last - first[1] >= 1000:
            raise forms.ValidationError(_("“%(line)s” is not a range of one series (at most "
                                          "1000 forms).") % {"line": line})
        serials.extend(f"{first[0]} {n}" for n in range(first[1], last + 1))
    return serials


class SpoilForm(forms.Form):
    serials = forms.CharField(
        label=gettext_lazy("Forms to write off"), widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("One serial number or range per line, e.g. “BD 0000012” or "
                               "“BD 0000012 – 0000015”."))
    act_number = forms.CharField(label=gettext_lazy("Act number"), max_length=40)
    drawn_up_on = forms.DateField(label=gettext_lazy("Drawn up on"), widget=DATE)
    reason = forms.CharField(label=gettext_lazy("Reason"),
                             widget=forms.Textarea(attrs={"rows": 3}))

    def clean_serials(self) -> list[str]:
        serials = parse_serial_lines(self.cleaned_data["serials"])
        if not serials:
            raise forms.ValidationError(_("List the forms to write off."))
        return serials


class IssueForm(forms.Form):
    form_type = forms.ChoiceField(label=gettext_lazy("Form type"), choices=FormType.choices)
    serial = forms.CharField(
        label=gettext_lazy("Serial number"), max_length=32, required=False,
        help_text=gettext_lazy("Empty: the lowest serial number in stock."))
    document_code = forms.CharField(
        label=gettext_lazy("Document verification code"), max_length=32, required=False,
        help_text=gettext_lazy("Of the document printed on the form, if already issued."))


class SignReceiptForm(forms.Form):
    signed_on = forms.DateField(label=gettext_lazy("Signed on"), widget=DATE)


def _apply_refusal(form: forms.Form, exc: services.BlankRefused) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def _require(request: HttpRequest, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise PermissionDenied


def _attachment(body: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _language(request: HttpRequest) -> str:
    return (getattr(request, "LANGUAGE_CODE", "") or "ru")[:2]


# Inventory -----------------------------------------------------------------------------------

@login_required
@require_GET
def inventory(request: HttpRequest) -> HttpResponse:
    _require(request, "blanks.view_inventory")
    return render(request, "blanks/inventory.html", {
        "inventory": selectors.inventory(),
        "can_manage": request.user.has_perm("blanks.receive_batch"),
    })


@login_required
@require_GET
def inventory_xlsx(request: HttpRequest) -> HttpResponse:
    _require(request, "blanks.view_inventory")
    body = documents.inventory_xlsx(selectors.inventory(), _language(request))
    return _attachment(body, XLSX, f"blank-forms-{timezone.localdate():%Y-%m-%d}.xlsx")


@login_required
def receive(request: HttpRequest) -> HttpResponse:
    _require(request, "blanks.receive_batch")
    form = ReceiveForm(request.POST or None,
                       initial={"received_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            batch = services.receive_batch(
                form_type=data["form_type"], by=request.user, received_on=data["received_on"],
                series=data["series"], first_number=data["first_number"],
                last_number=data["last_number"], numbers=data["numbers"],
                supplier=data["supplier"], invoice=data["invoice"], note=data["note"])
        except services.BlankRefused as exc:
            _apply_refusal(form, exc)
        else:
            messages.success(request, _("Received %(count)s forms: %(range)s.")
                             % {"count": batch.quantity, "range": batch.range_text})
            return redirect("blanks:inventory")
    return render(request, "blanks/receive.html", {"form": form})


# Forms ---------------------------------------------------------------------------------------

@login_required
@require_GET
def form_list(request: HttpRequest) -> HttpResponse:
    _require(request, "blanks.issue_form")
    form_type = request.GET.get("type", "")
    state = request.GET.get("state", "")
    query = request.GET.get("q", "")
    result = selectors.forms(form_type=form_type if form_type in FormType.values else "",
                             state=state if state in FormState.values else "", query=query)
    page = Paginator(result, 50).get_page(request.GET.get("page"))
    return render(request, "blanks/form_list.html", {
        "page": page, "form_type": form_type, "state": state, "query": query,
        "types": FormType.choices, "states": FormState.choices,
    })


@login_required
@require_GET
def form_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, "blanks.issue_form")
    blank = get_object_or_404(
        BlankForm.objects.select_related("batch", "issued_to", "issued_by", "spoil_act"), pk=pk)
    sign_form = SignReceiptForm(initial={"signed_on": timezone.localdate()})
    return render(request, "blanks/form_detail.html", {"blank": blank, "sign_form": sign_form})


@login_required
@require_POST
def sign_receipt(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, "blanks.sign_receipt")
    blank = get_object_or_404(BlankForm, pk=pk)
    form = SignReceiptForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the date the receipt was signed."))
    else:
        try:
            services.sign_receipt(blank, by=request.user, signed_on=form.cleaned_data["signed_on"])
        except services.BlankRefused as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The signed receipt for form %(serial)s is recorded.")
                             % {"serial": blank.serial})
    return redirect("blanks:form_detail", pk=blank.pk)


@login_required
@require_GET
def receipt_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, "blanks.print_receipt")
    blank = get_object_or_404(BlankForm.objects.select_related(
        "issued_to__programme", "issued_by", "spoil_act"), pk=pk)
    if blank.issued_to is None:
        raise PermissionDenied  # a form never issued has no receipt
    body = documents.receipt_pdf(blank, _language(request))
    name = f"receipt-{blank.series}-{blank.number:0{SERIAL_DIGITS}d}.pdf"
    return _attachment(body, "application/pdf", name)


@login_required
def issue(request: HttpRequest, student_id: int) -> HttpResponse:
    _require(request, "blanks.issue_form")
    student = get_object_or_404(Student.objects.select_related("programme"), pk=student_id)
    form = IssueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            blank = services.issue_form(form_type=data["form_type"], student=student,
                                        by=request.user, document_code=data["document_code"],
                                        serial=data["serial"] or None)
        except services.BlankRefused as exc:
            _apply_refusal(form, exc)
        else:
            messages.success(request, _("Form %(serial)s is issued to %(name)s; print the "
                                        "receipt for signature.")
                             % {"serial": blank.serial, "name": student.full_name})
            return redirect("blanks:form_detail", pk=blank.pk)
    return render(request, "blanks/issue.html", {
        "student": student, "form": form, "held": selectors.forms_of_student(student),
    })


# Write-off -----------------------------------------------------------------------------------

@login_required
def spoil(request: HttpRequest) -> HttpResponse:
    _require(request, "blanks.spoil_form")
    form = SpoilForm(request.POST or None, initial={
        "drawn_up_on": timezone.localdate(), "serials": request.GET.get("serial", "")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            act = services.spoil_forms(data["serials"], act_number=data["act_number"],
                                       reason=data["reason"], by=request.user,
                                       drawn_up_on=data["drawn_up_on"])
        except services.BlankRefused as exc:
            _apply_refusal(form, exc if exc.field != "forms"
                           else services.BlankRefused("serials", exc.message))
        else:
            messages.success(request, _("Act %(number)s writes off %(count)s forms.")
                             % {"number": act.number, "count": len(data["serials"])})
            return redirect("blanks:act_list")
    return render(request, "blanks/spoil.html", {"form": form})


@login_required
@require_GET
def act_list(request: HttpRequest) -> HttpResponse:
    _require(request, "blanks.spoil_form")
    page = Paginator(selectors.acts(), 50).get_page(request.GET.get("page"))
    return render(request, "blanks/act_list.html", {"page": page})


@login_required
@require_GET
def act_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, "blanks.print_act")
    act = get_object_or_404(SpoilAct.objects.select_related("drawn_up_by"), pk=pk)
    safe = re.sub(r"[^\w.-]+", "-", act.number, flags=re.ASCII).strip("-") or str(act.pk)
    return _attachment(documents.act_pdf(act, _language(request)), "application/pdf",
                       f"write-off-act-{safe}.pdf")
