"""Fixtures for the academic records tests (§3, §7, §8)."""

from __future__ import annotations

import pytest
from django.utils import translation

from .builders import build_world


@pytest.fixture(autouse=True)
def _english():
    """Messages are checked in English; the figures and codes in them are language-free."""
    with translation.override("en"):
        yield


@pytest.fixture
def world(db):
    """Two faculties, the academic years 2025-2026 (autumn, spring, summer) and 2026-2027
    (autumn), the registrar and a dean of each faculty; no students yet."""
    return build_world()
