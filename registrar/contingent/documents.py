"""The printable order (PDF, WeasyPrint) in Kazakh, Russian or English."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from .choices import OrderType
from .models import Order, OrderItem


def describe_item(item: OrderItem, order_type: str) -> str:
    """One sentence saying what the item orders, in the active language."""
    group = item.to_group.name if item.to_group else ""
    programme = str(item.to_programme) if item.to_programme else ""
    text = {
        OrderType.ENROLMENT: _("Enrol in the 1st year, programme %(programme)s, group %(group)s, "
                               "%(funding)s."),
        OrderType.TRANSFER_IN: _("Enrol by transfer in year %(year)s, programme %(programme)s, "
                                 "group %(group)s, %(funding)s."),
        OrderType.TRANSFER_OUT: _("Expel in connection with transfer to another university."),
        OrderType.INTERNAL_TRANSFER: _("Transfer to group %(group)s %(programme)s."),
        OrderType.EXPULSION: _("Expel: %(reason)s."),
        OrderType.REINSTATEMENT: _("Reinstate in year %(year)s, group %(group)s, on a paid "
                                   "basis."),
        OrderType.ACADEMIC_LEAVE: _("Grant academic leave (%(leave)s) until %(until)s."),
        OrderType.RETURN_FROM_LEAVE: _("Admit to studies after academic leave %(group)s."),
        OrderType.PROMOTION: _("Promote to the next year of study."),
        OrderType.REPEAT_YEAR: _("Leave to repeat the year of study on a paid basis."),
        OrderType.FUNDING_CHANGE: _("Change the funding to: %(funding)s."),
        OrderType.NAME_CHANGE: _("Change the name to: %(names)s."),
        OrderType.GRADUATION: _("Graduate and award the qualification."),
        OrderType.SCHOLARSHIP_AWARD: _("Award the %(scholarship)s of %(amount)s a month."),
    }[OrderType(order_type)]
    return text % {
        "programme": programme,
        "group": group,
        "funding": item.get_to_funding_display() if item.to_funding else "",
        "year": item.to_year_of_study or "",
        "reason": item.get_reason_display() if item.reason else "",
        "leave": item.get_leave_kind_display() if item.leave_kind else "",
        "until": item.leave_until.strftime("%d.%m.%Y") if item.leave_until else "",
        "names": " ".join(str(v) for v in item.new_names.values()),
        "scholarship": item.get_scholarship_kind_display() if item.scholarship_kind else "",
        "amount": item.amount if item.amount is not None else "",
    }


def order_html(order: Order, language: str) -> str:
    with translation.override(language):
        items = order.items.select_related(
            "student", "student__group", "student__programme", "to_group", "to_programme"
        ).order_by("student__last_name_ru", "student__first_name_ru")
        rows = [
            {
                "name": item.student.full_name_in(language),
                "group": item.student.group.name if item.student.group else "",
                "text": describe_item(item, order.order_type),
                "effective": item.effective_date,
                "basis": item.basis,
            }
            for item in items
        ]
        return render_to_string("contingent/order_pdf.html", {
            "order": order,
            "rows": rows,
            "university": settings.UNIVERSITY_NAME.get(language, ""),
            "faculty": order.faculty.name_in(language) if order.faculty else "",
            "language": language,
        })


def order_pdf(order: Order, language: str) -> bytes:
    from weasyprint import HTML  # heavy import, only when printing

    return HTML(string=order_html(order, language)).write_pdf()
