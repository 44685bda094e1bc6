import pytest
from django.utils import translation

from .world import build_world


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def world(db):
    return build_world()
