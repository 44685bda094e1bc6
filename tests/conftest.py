import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _default_language(settings):
    """Every test starts in the site's default language: a request through LocaleMiddleware
    (e.g. to an /en/ page) leaves its language active in the thread for the tests after it."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
