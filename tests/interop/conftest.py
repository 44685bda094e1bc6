"""Worlds for the interoperability tests, borrowed from the statements and documents tests:

- `gw`: a section (MAT1102-01) with five enrolled students, its teacher, another section of
  another teacher, the deans and the registrar, and the R1/R2/exam statements opened with fixed
  deadlines (tests/assessment/conftest.py);
- `dw`: a student with results over two terms (tests/documents/world.py).
"""

from __future__ import annotations

import pytest
from django.utils import translation

from tests.assessment.conftest import build_world
from tests.documents import world as documents_world


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def gw(db):
    return build_world()


@pytest.fixture
def dw(db):
    return documents_world.build()
