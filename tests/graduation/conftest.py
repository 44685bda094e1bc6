"""Fixtures for the graduation tests (§9, §11)."""

from __future__ import annotations

import pytest
from django.utils import translation

from . import world as builders


@pytest.fixture(autouse=True)
def _english():
    """Messages are checked in English; the figures and codes in them are language-free."""
    with translation.override("en"):
        yield


@pytest.fixture
def w(db):
    return builders.build()
