"""The password policy: at least 10 characters, not like the user name, not common, not only
digits (AUTH_PASSWORD_VALIDATORS)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError


def _codes(password: str, user=None) -> set[str]:
    try:
        validate_password(password, user)
    except ValidationError as refused:
        return {e.code for e in refused.error_list}
    return set()


def test_a_short_password_is_refused():
    assert "password_too_short" in _codes("xK9#mQ2v")  # 8 characters
    assert "password_too_short" in _codes("xK9#mQ2vL")  # 9
    assert _codes("xK9#mQ2vLp") == set()  # 10


@pytest.mark.parametrize(("password", "code"), [
    ("password1234", "password_too_common"),
    ("4815162342108", "password_entirely_numeric"),
])
def test_common_and_numeric_passwords_are_refused(password, code):
    assert code in _codes(password)


def test_a_password_like_the_user_name_is_refused():
    user = get_user_model()(username="aigerim.zhumabayeva", first_name="Aigerim")
    assert "password_too_similar" in _codes("aigerim.zhumabayeva1", user)


@pytest.mark.django_db
def test_the_admin_password_form_uses_the_policy():
    from django.contrib.auth.forms import SetPasswordForm

    user = get_user_model().objects.create_user("someone", password="long-enough-Pass-1")
    form = SetPasswordForm(user, {"new_password1": "short1", "new_password2": "short1"})
    assert not form.is_valid()
    assert "new_password2" in form.errors
