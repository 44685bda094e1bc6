"""Fixtures of the API tests: the world of `tests/api/world.py` and its tokens."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from tests.api.world import build_world


@pytest.fixture
def api_world(db: None) -> SimpleNamespace:
    return build_world()


def auth(world: SimpleNamespace, role: str) -> dict[str, str]:
    """The test client's headers for a role's token."""
    return {"HTTP_AUTHORIZATION": f"Bearer {world.keys[role]}"}
