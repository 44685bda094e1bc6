"""Fixtures for the study plan and registration tests (§4, §5)."""

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
    """The small world of builders.build_world: 6 enrolled students, no plans yet."""
    return build_world(n_students=6)


@pytest.fixture
def big_world(db):
    """The same world with 12 students, enough for a minimum group of 10 (§5)."""
    return build_world(n_students=12)
