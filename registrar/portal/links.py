"""Links of list pages, made without a `reverse` per row."""

from __future__ import annotations

from django.urls import reverse


def id_link_prefix(view_name: str) -> str:
    """The URL of a view that takes one id (its last path segment), without the id:
    ``f"{prefix}{pk}/"`` is then the URL of each row, one `reverse` for the whole list."""
    return reverse(view_name, args=[0]).removesuffix("0/")
