"""Showing report cells: None as a dash, numbers right-aligned."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def cell(value: Any) -> Any:
    if value is None:
        return "—"
    if isinstance(value, Decimal):
        return number_format(value, decimal_pos=max(-value.as_tuple().exponent, 0))  # type: ignore[operator]
    return value


@register.filter
def is_number(value: Any) -> bool:
    return isinstance(value, (int, Decimal)) and not isinstance(value, bool)
