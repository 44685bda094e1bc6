"""Fixtures for the contingent tests (§9): one faculty, two programmes, a registrar."""

from __future__ import annotations

import pytest

from tests import factories


@pytest.fixture
def reg(db):
    return factories.registrar()


@pytest.fixture
def fac(db):
    return factories.faculty()


@pytest.fixture
def prog(fac):
    """A 4-year bachelor programme."""
    return factories.programme(fac, duration=4)


@pytest.fixture
def grp(prog):
    return factories.group(prog)


@pytest.fixture
def grp_b(prog):
    return factories.group(prog)


@pytest.fixture
def prog2(fac):
    return factories.programme(fac, duration=4)


@pytest.fixture
def grp2(prog2):
    return factories.group(prog2)
