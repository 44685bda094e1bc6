import pytest

from . import world


@pytest.fixture
def w(db):
    return world.build()
