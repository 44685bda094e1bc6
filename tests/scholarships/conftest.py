"""Fixtures for the scholarship tests (§10)."""

from __future__ import annotations

import pytest
from django.utils import translation

from .builders import build_world


@pytest.fixture(autouse=True)
def _english():
    """Messages are checked in English."""
    with translation.override("en"):
        yield


@pytest.fixture
def world(db):
    """Two faculties (a programme each), the 2025-2026 autumn/spring/summer terms, the
    registrar, a dean of each faculty, a teacher and a student account; no students enrolled."""
    return build_world()
