"""Receiving, issuing and writing off strict accountability forms (§11).

Every function here is one transaction: it checks the actor's permission, changes the books
and writes the audit events, or raises and writes nothing. A refusal is a `BlankRefused`
naming the field it is about (for forms) and saying why, in the active language.

`issue_form` is also called by the diploma issuing of `registrar.graduation`: inside its own
transaction, it takes the lowest in-stock serial of the type (or the serial asked for), so the
diploma and the form it is printed on are issued together or not at all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from registrar.audit import services as audit
from registrar.documents.models import normalise_code
from registrar.institution.models import Degree
from registrar.people.models import Student

from . import permissions  # noqa: F401  (registers the rules)
from .models import (
    DEFAULT_SERIES,
    MAX_NUMBER,
    SERIES_RE,
    Batch,
    BlankForm,
    FormState,
    FormType,
    ReceiptCounter,
    SpoilAct,
    format_serial,
    normalise_series,
    parse_serial,
)

__all__ = ["BlankRefused", "issue_form", "link_document", "receive_batch", "sign_receipt",
           "spoil_forms"]

MAX_BATCH = 50_000  # a typing slip of one digit should not create a million forms
DEGREE_OF_TYPE = {
    FormType.DIPLOMA_BACHELOR: Degree.BACHELOR,
    FormType.DIPLOMA_MASTER: Degree.MASTER,
    FormType.DIPLOMA_DOCTOR: Degree.DOCTORATE,
}


class BlankRefused(Exception):
    """The operation was refused; nothing was written. `field` names the input it is about."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message

    def __str__(self) -> str:
        return self.message


def _require(user: Any, perm: str) -> None:
    if user is None or not user.has_perm(perm):
        raise PermissionDenied(_("You do not have permission to do this."))


def _actor(user: Any) -> Any:
    return user if getattr(user, "pk", None) else None


def _type_label(form_type: str) -> str:
    return str(FormType(form_type).label)


def _check_type(form_type: str) -> None:
    if form_type not in FormType.values:
        raise BlankRefused("form_type", _("Unknown form type: %(type)s.") % {"type": form_type})


def _date_text(day: dt.date | dt.datetime) -> str:
    if isinstance(day, dt.datetime):
        day = timezone.localtime(day).date()
    return day.strftime("%d.%m.%Y")


def _serials_text(pairs: Sequence[tuple[str, int]], limit: int = 5) -> str:
    shown = ", ".join(format_serial(s, n) for s, n in pairs[:limit])
    return shown + (" …" if len(pairs) > limit else "")


# Receiving ------------------------------------------------------------------------------------

@transaction.atomic
def receive_batch(*, form_type: str, by: Any, received_on: dt.date, series: str = "",
                  first_number: int | None = None, last_number: int | None = None,
                  numbers: Iterable[int] | None = None, supplier: str = "", invoice: str = "",
                  note: str = "") -> Batch:
    """Receive a batch of blank forms: the range first_number..last_number, or an explicit list
    of numbers (`numbers`), of one series. Creates one in-stock form per serial. Refused when
    any of the serials was received before (the ranges overlap)."""
    _require(by, "blanks.receive_batch")
    _check_type(form_type)
    series = normalise_series(series) or DEFAULT_SERIES[FormType(form_type)]
    if not SERIES_RE.match(series):
        raise BlankRefused("series", _("A series is up to 12 capital letters (and hyphens "
                                       "between them), e.g. “BD”."))
    if numbers is not None:
        wanted = sorted(set(int(n) for n in numbers))
        field = "numbers"
        if not wanted:
            raise BlankRefused("numbers", _("List the serial numbers received."))
    else:
        if first_number is None:
            raise BlankRefused("first_number", _("Give the first serial number of the batch."))
        if last_number is None:
            last_number = first_number
        if last_number < first_number:
            raise BlankRefused("last_number", _("The last number must not be below the first."))
        if last_number - first_number + 1 > MAX_BATCH:
            raise BlankRefused("last_number", _(
                "A batch holds at most %(max)s forms; check the last number.")
                % {"max": MAX_BATCH})
        wanted = list(range(first_number, last_number + 1))
        field = "first_number"
    if wanted[0] < 1 or wanted[-1] > MAX_NUMBER:
        raise BlankRefused(field, _("Serial numbers run from 1 to %(max)s.") % {"max": MAX_NUMBER})
    if len(wanted) > MAX_BATCH:
        raise BlankRefused(field, _("A batch holds at most %(max)s forms.") % {"max": MAX_BATCH})
    if received_on is None:
        raise BlankRefused("received_on", _("Give the date the forms were received."))
    if received_on > timezone.localdate():
        raise BlankRefused("received_on", _("The forms cannot be received in the future."))

    def overlap_refusal() -> BlankRefused:
        taken = BlankForm.objects.filter(series=series, number__gte=wanted[0],
                                         number__lte=wanted[-1])
        if numbers is not None:
            taken = taken.filter(number__in=wanted)
        pairs = list(taken.order_by("number").values_list("series", "number")[:6])
        return BlankRefused(field, _(
            "These serial numbers have already been received: %(serials)s. The serial "
            "numbers of a batch must not overlap those of an earlier batch.")
            % {"serials": _serials_text(pairs) if pairs else series})

    taken = BlankForm.objects.filter(series=series, number__gte=wanted[0], number__lte=wanted[-1])
    if numbers is not None:
        taken = taken.filter(number__in=wanted)
    if taken.exists():
        raise overlap_refusal()

    batch = Batch.objects.create(
        form_type=form_type, series=series, first_number=wanted[0], last_number=wanted[-1],
        quantity=len(wanted), received_on=received_on, supplier=(supplier or "").strip(),
        invoice=(invoice or "").strip(), note=(note or "").strip(), received_by=_actor(by))
    try:
        with transaction.atomic():
            BlankForm.objects.bulk_create(
                (BlankForm(form_type=form_type, series=series, number=n, batch=batch)
                 for n in wanted), batch_size=2000)
    except IntegrityError:  # another session received some of these serials just now
        raise overlap_refusal() from None
    audit.record(by, "blanks.batch_received", batch, {
        "form_type": form_type, "series": series, "first": wanted[0], "last": wanted[-1],
        "quantity": len(wanted), "received_on": received_on, "supplier": batch.supplier,
        "invoice": batch.invoice,
    })
    return batch


# Issuing --------------------------------------------------------------------------------------

def _next_receipt_number() -> str:
    year = timezone.localdate().year
    try:
        with transaction.atomic():
            counter, _created = ReceiptCounter.objects.select_for_update().get_or_create(year=year)
    except IntegrityError:  # another transaction created the year's counter first
        counter = ReceiptCounter.objects.select_for_update().get(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{counter.last}/{year}"


def _clean_document_code(code: str) -> str:
    code = (code or "").strip()
    if len(code) > 32:
        raise BlankRefused("document_code", _("A document code has at most 32 characters."))
    return normalise_code(code) or code


def _holder_refusal(student: Student, form: BlankForm) -> BlankRefused:
    return BlankRefused("form_type", _(
        "%(name)s already holds the %(type)s form %(serial)s (issued on %(date)s). A second "
        "form is issued only after the first is written off as spoiled.")
        % {"name": student.full_name, "type": _type_label(form.form_type),
           "serial": form.serial, "date": _date_text(form.issued_at or timezone.now())})


def _skip_locked() -> bool:
    return bool(connection.features.has_select_for_update_skip_locked)


@transaction.atomic
def issue_form(*, form_type: str, student: Any, by: Any, document_code: str = "",
               serial: str | None = None) -> BlankForm:
    """Issue one blank form of `form_type` to the graduate `student` and number its receipt.

    Without `serial`, takes the lowest in-stock serial of the type (on PostgreSQL under a row
    lock that skips forms other sessions are issuing, so concurrent issues get different
    forms); with `serial` ("BD 0012345"), that form, which must be in stock. Refused when the
    graduate already holds an issued form of the type (unless it was written off as spoiled),
    when a diploma's level does not match the graduate's programme, or when none is in stock.
    `document_code` is the verification code of the document printed on the form."""
    _require(by, "blanks.issue_form")
    _check_type(form_type)
    code = _clean_document_code(document_code)
    student = (Student.objects.select_for_update(of=("self",))
               .select_related("programme").get(pk=student.pk))
    degree = DEGREE_OF_TYPE.get(FormType(form_type))
    if degree is not None and student.programme.degree != degree:
        raise BlankRefused("form_type", _(
            "A %(type)s is not issued to %(name)s, who studies for the degree “%(degree)s”.")
            % {"type": _type_label(form_type), "name": student.full_name,
               "degree": student.programme.get_degree_display()})
    held = BlankForm.objects.filter(issued_to=student, form_type=form_type,
                                    state=FormState.ISSUED).first()
    if held is not None:
        raise _holder_refusal(student, held)

    if serial is None or not str(serial).strip():
        form = (BlankForm.objects.select_for_update(skip_locked=_skip_locked())
                .filter(form_type=form_type, state=FormState.IN_STOCK)
                .order_by("series", "number").first())
        if form is None:
            raise BlankRefused("form_type", _("No %(type)s forms are in stock: receive a batch "
                                              "first.") % {"type": _type_label(form_type)})
    else:
        parsed = parse_serial(serial)
        if parsed is None:
            raise BlankRefused("serial", _("“%(serial)s” is not a serial number; type it as "
                                           "printed, e.g. “BD 0012345”.") % {"serial": serial})
        form = BlankForm.objects.select_for_update().filter(
            series=parsed[0], number=parsed[1]).first()
        if form is None:
            raise BlankRefused("serial", _("No form %(serial)s has been received.")
                               % {"serial": format_serial(*parsed)})
        if form.form_type != form_type:
            raise BlankRefused("serial", _("Form %(serial)s is a %(actual)s, not a %(type)s.")
                               % {"serial": form.serial, "actual": _type_label(form.form_type),
                                  "type": _type_label(form_type)})
        if form.state != FormState.IN_STOCK:
            raise BlankRefused("serial", _("Form %(serial)s is not in stock: it is %(state)s.")
                               % {"serial": form.serial, "state": form.get_state_display()})

    form.state = FormState.ISSUED
    form.issued_to = student
    form.issued_at = timezone.now()
    form.issued_by = _actor(by)
    form.document_code = code
    form.receipt_number = _next_receipt_number()
    try:
        with transaction.atomic():
            form.save(update_fields=["state", "issued_to", "issued_at", "issued_by",
                                     "document_code", "receipt_number"])
    except IntegrityError:  # the one-issued-form constraint: issued meanwhile elsewhere
        held = BlankForm.objects.filter(issued_to=student, form_type=form_type,
                                        state=FormState.ISSUED).first()
        if held is None:
            raise
        raise _holder_refusal(student, held) from None
    audit.record(by, "blanks.form_issued", form, {
        "serial": form.serial, "form_type": form_type, "student_id": student.pk,
        "student": student.full_name, "receipt_number": form.receipt_number,
        "document_code": code,
    })
    return form


def _locked_issued(form: BlankForm | int) -> BlankForm:
    pk = form.pk if isinstance(form, BlankForm) else form
    locked = BlankForm.objects.select_for_update().get(pk=pk)
    if locked.state != FormState.ISSUED:
        raise BlankRefused("form", _("Form %(serial)s is not issued: it is %(state)s.")
                           % {"serial": locked.serial, "state": locked.get_state_display()})
    return locked


@transaction.atomic
def link_document(form: BlankForm | int, *, document_code: str, by: Any) -> BlankForm:
    """Record the verification code of the document printed on an issued form (once)."""
    _require(by, "blanks.issue_form")
    form = _locked_issued(form)
    code = _clean_document_code(document_code)
    if not code:
        raise BlankRefused("document_code", _("Give the document's verification code."))
    if form.document_code:
        if form.document_code == code:
            return form
        raise BlankRefused("document_code", _(
            "Form %(serial)s already carries the document %(code)s.")
            % {"serial": form.serial, "code": form.document_code})
    form.document_code = code
    form.save(update_fields=["document_code"])
    audit.record(by, "blanks.document_linked", form, {"serial": form.serial,
                                                      "document_code": code})
    return form


@transaction.atomic
def sign_receipt(form: BlankForm | int, *, by: Any, signed_on: dt.date | None = None) -> BlankForm:
    """Record that the graduate signed the receipt for an issued form (once)."""
    _require(by, "blanks.sign_receipt")
    form = _locked_issued(form)
    if form.receipt_signed_on is not None:
        raise BlankRefused("signed_on", _("The receipt for form %(serial)s was signed on "
                                          "%(date)s.")
                           % {"serial": form.serial, "date": _date_text(form.receipt_signed_on)})
    signed_on = signed_on or timezone.localdate()
    assert form.issued_at is not None  # an issued form has its date (a database constraint)
    if signed_on > timezone.localdate():
        raise BlankRefused("signed_on", _("A receipt cannot be signed in the future."))
    if signed_on < timezone.localtime(form.issued_at).date():
        raise BlankRefused("signed_on", _("A receipt cannot be signed before the form was "
                                          "issued (%(date)s).")
                           % {"date": _date_text(form.issued_at)})
    form.receipt_signed_on = signed_on
    form.save(update_fields=["receipt_signed_on"])
    audit.record(by, "blanks.receipt_signed", form, {
        "serial": form.serial, "receipt_number": form.receipt_number, "signed_on": signed_on,
        "student_id": form.issued_to_id})
    return form


# Writing off ----------------------------------------------------------------------------------

def _form_ids(forms: Iterable[BlankForm | int | str]) -> list[int]:
    ids: list[int] = []
    unknown: list[str] = []
    for item in forms:
        if isinstance(item, BlankForm):
            ids.append(item.pk)
        elif isinstance(item, int):
            ids.append(item)
        else:
            parsed = parse_serial(str(item))
            pk = None if parsed is None else BlankForm.objects.filter(
                series=parsed[0], number=parsed[1]).values_list("pk", flat=True).first()
            if pk is None:
                unknown.append(str(item).strip())
            else:
                ids.append(pk)
    if unknown:
        raise BlankRefused("forms", _("No such forms have been received: %(serials)s.")
                           % {"serials": ", ".join(unknown[:10])})
    return sorted(set(ids))


@transaction.atomic
def spoil_forms(forms: Iterable[BlankForm | int | str], *, act_number: str, reason: str,
                by: Any, drawn_up_on: dt.date | None = None) -> SpoilAct:
    """Write off spoiled forms with one act. The forms may be in stock, or issued and spoiled
    while printing: such a form becomes spoiled, keeps who it was issued to, and the graduate
    may be issued a new one. Forms already written off are refused."""
    _require(by, "blanks.spoil_form")
    act_number = (act_number or "").strip()
    reason = (reason or "").strip()
    if not act_number:
        raise BlankRefused("act_number", _("Give the number of the write-off act."))
    if not reason:
        raise BlankRefused("reason", _("Give the reason the forms are written off."))
    drawn_up_on = drawn_up_on or timezone.localdate()
    if drawn_up_on > timezone.localdate():
        raise BlankRefused("drawn_up_on", _("An act cannot be dated in the future."))
    ids = _form_ids(forms)
    if not ids:
        raise BlankRefused("forms", _("List the forms to write off."))
    if SpoilAct.objects.filter(number=act_number).exists():
        raise BlankRefused("act_number", _("An act numbered %(number)s already exists.")
                           % {"number": act_number})
    locked = list(BlankForm.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    if len(locked) != len(ids):
        raise BlankRefused("forms", _("Some of the forms do not exist."))
    done = [f for f in locked if f.state == FormState.SPOILED]
    if done:
        raise BlankRefused("forms", _("Already written off: %(serials)s.")
                           % {"serials": _serials_text([(f.series, f.number) for f in done])})
    try:
        with transaction.atomic():
            act = SpoilAct.objects.create(number=act_number, drawn_up_on=drawn_up_on,
                                          reason=reason, drawn_up_by=_actor(by))
    except IntegrityError:
        raise BlankRefused("act_number", _("An act numbered %(number)s already exists.")
                           % {"number": act_number}) from None
    now = timezone.now()
    events = [audit.event_for(by, "blanks.act_drawn_up", act, {
        "number": act_number, "drawn_up_on": drawn_up_on,
        "serials": [f.serial for f in locked]}, reason=reason)]
    for form in locked:
        previous = form.state
        form.state = FormState.SPOILED
        form.spoil_act = act
        form.spoiled_at = now
        form.save(update_fields=["state", "spoil_act", "spoiled_at"])
        events.append(audit.event_for(by, "blanks.form_spoiled", form, {
            "serial": form.serial, "act": act_number, "previous_state": previous,
            "student_id": form.issued_to_id}, reason=reason))
    audit.record_many(events)
    return act
