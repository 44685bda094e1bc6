import pytest

from tests.documents import world


@pytest.fixture
def w(db):
    """A student with results over two terms, the faculty's dean, another faculty's dean, an
    advisor, the registrar (tests/documents/world.py)."""
    return world.build()
