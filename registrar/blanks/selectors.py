"""Read queries of strict accountability forms (§11): the inventory and its reconciliation.

The inventory counts, per form type and per batch, the forms received (the batch's quantity, as
written on the day it was received), issued, spoiled (written off) and still in stock; the
counts come from aggregate queries over the form rows. The books reconcile when, for every
batch and therefore every type, received = issued + spoiled + in stock. A form issued and then
spoiled while printing counts once, as spoiled.

`movement(start, end)` is the period report: stock at the start, received, issued from stock,
written off from stock, stock at the end (opening + received − issued − spoiled = closing).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from .models import Batch, BlankForm, FormState, FormType, SpoilAct, parse_serial


@dataclass(frozen=True)
class InventoryRow:
    form_type: str
    received: int
    issued: int
    spoiled: int
    in_stock: int
    batch: Batch | None = None  # None: the total of the form type

    @property
    def form_type_label(self) -> str:
        return str(FormType(self.form_type).label)

    @property
    def accounted(self) -> int:
        return self.issued + self.spoiled + self.in_stock

    @property
    def reconciles(self) -> bool:
        return self.received == self.accounted


@dataclass(frozen=True)
class Inventory:
    by_type: list[InventoryRow]
    by_batch: list[InventoryRow]

    @property
    def reconciles(self) -> bool:
        return all(row.reconciles for row in (*self.by_type, *self.by_batch))

    @property
    def problems(self) -> list[InventoryRow]:
        return [row for row in (*self.by_type, *self.by_batch) if not row.reconciles]


def _state_counts() -> dict[str, Any]:
    return {
        "issued": Count("pk", filter=Q(state=FormState.ISSUED)),
        "spoiled": Count("pk", filter=Q(state=FormState.SPOILED)),
        "in_stock": Count("pk", filter=Q(state=FormState.IN_STOCK)),
    }


def inventory(form_type: str | None = None) -> Inventory:
    """The inventory per form type and per batch (four aggregate queries at most)."""
    batches = Batch.objects.select_related("received_by").order_by(
        "form_type", "received_on", "id")
    forms = BlankForm.objects.all()
    if form_type:
        batches = batches.filter(form_type=form_type)
        forms = forms.filter(form_type=form_type)
    counts = {row["batch_id"]: row
              for row in forms.order_by().values("batch_id").annotate(**_state_counts())}
    by_batch = []
    for batch in batches:
        row = counts.get(batch.pk, {"issued": 0, "spoiled": 0, "in_stock": 0})
        by_batch.append(InventoryRow(form_type=batch.form_type, batch=batch,
                                     received=batch.quantity, issued=row["issued"],
                                     spoiled=row["spoiled"], in_stock=row["in_stock"]))
    received = dict(batches.order_by().values("form_type").annotate(n=Sum("quantity"))
                    .values_list("form_type", "n"))
    type_counts = {row["form_type"]: row
                   for row in forms.order_by().values("form_type").annotate(**_state_counts())}
    by_type = []
    for value in FormType.values:
        if value not in received and value not in type_counts:
            continue
        row = type_counts.get(value, {"issued": 0, "spoiled": 0, "in_stock": 0})
        by_type.append(InventoryRow(form_type=value, received=received.get(value) or 0,
                                    issued=row["issued"], spoiled=row["spoiled"],
                                    in_stock=row["in_stock"]))
    return Inventory(by_type=by_type, by_batch=by_batch)


def reconciliation_problems() -> list[InventoryRow]:
    """The rows of the inventory that do not reconcile; empty when the books are right."""
    return inventory().problems


@dataclass(frozen=True)
class MovementRow:
    form_type: str
    opening: int
    received: int
    issued: int
    spoiled: int
    closing: int

    @property
    def form_type_label(self) -> str:
        return str(FormType(self.form_type).label)

    @property
    def reconciles(self) -> bool:
        return self.opening + self.received - self.issued - self.spoiled == self.closing


def _stock_on(day: dt.date) -> dict[str, int]:
    """Forms in stock at the end of `day`, per type."""
    received = dict(Batch.objects.filter(received_on__lte=day).order_by().values("form_type")
                    .annotate(n=Sum("quantity")).values_list("form_type", "n"))
    gone = dict(BlankForm.objects.filter(
        Q(issued_at__date__lte=day)
        | Q(issued_at__isnull=True, spoiled_at__date__lte=day)).order_by()
        .values("form_type").annotate(n=Count("pk")).values_list("form_type", "n"))
    return {t: (received.get(t) or 0) - gone.get(t, 0) for t in FormType.values}


def movement(start: dt.date, end: dt.date) -> list[MovementRow]:
    """The movement of forms per type from `start` to `end` (both included)."""
    opening = _stock_on(start - dt.timedelta(days=1))
    closing = _stock_on(end)
    received = dict(Batch.objects.filter(received_on__range=(start, end)).order_by()
                    .values("form_type").annotate(n=Sum("quantity"))
                    .values_list("form_type", "n"))
    issued = dict(BlankForm.objects.filter(issued_at__date__range=(start, end)).order_by()
                  .values("form_type").annotate(n=Count("pk")).values_list("form_type", "n"))
    spoiled = dict(BlankForm.objects.filter(issued_at__isnull=True,
                                            spoiled_at__date__range=(start, end)).order_by()
                   .values("form_type").annotate(n=Count("pk")).values_list("form_type", "n"))
    rows = []
    for t in FormType.values:
        row = MovementRow(form_type=t, opening=opening[t], received=received.get(t) or 0,
                          issued=issued.get(t, 0), spoiled=spoiled.get(t, 0), closing=closing[t])
        if row.opening or row.received or row.issued or row.spoiled or row.closing:
            rows.append(row)
    return rows


def forms(*, form_type: str = "", state: str = "", query: str = "") -> QuerySet[BlankForm]:
    """Forms for the registrar's list, filtered by type, state and a serial, a receipt number
    or a holder's name or IIN."""
    result = BlankForm.objects.select_related("issued_to", "batch", "spoil_act")
    if form_type:
        result = result.filter(form_type=form_type)
    if state:
        result = result.filter(state=state)
    query = (query or "").strip()
    if query:
        parsed = parse_serial(query)
        match = (Q(receipt_number=query) | Q(document_code__iexact=query)
                 | Q(issued_to__iin=query) | Q(issued_to__last_name_ru__icontains=query)
                 | Q(issued_to__last_name_kk__icontains=query)
                 | Q(issued_to__last_name_en__icontains=query))
        if parsed is not None:
            match |= Q(series=parsed[0], number=parsed[1])
        result = result.filter(match)
    return result.order_by("form_type", "series", "number")


def forms_of_student(student: Any) -> QuerySet[BlankForm]:
    return (BlankForm.objects.filter(issued_to=student).select_related("spoil_act")
            .order_by("-issued_at", "-id"))


def acts() -> QuerySet[SpoilAct]:
    return SpoilAct.objects.select_related("drawn_up_by").annotate(
        form_count=Count("forms")).order_by("-drawn_up_on", "-id")
