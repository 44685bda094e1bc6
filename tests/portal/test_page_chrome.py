"""The constant parts of every portal page's frame, drawn once per process
(portal/templatetags/portal_chrome.py): the same HTML the template tags drew, the language
menu following the active language."""

from __future__ import annotations

import re

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from registrar.portal.templatetags.portal_chrome import language_options, page_assets
from tests import factories


def test_the_assets_are_the_static_files_and_the_htmx_script():
    drawn = Template("{% load static django_htmx %}"
                     "<link rel=\"stylesheet\" href=\"{% static 'portal/portal.css' %}\">\n"
                     "{% htmx_script %}\n"
                     "<script src=\"{% static 'portal/portal.js' %}\" defer></script>"
                     ).render(Context({}))
    assert str(page_assets()) == drawn
    assert page_assets() is page_assets()


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_the_language_menu_selects_the_active_language(language):
    with translation.override(language):
        html = str(language_options())
    assert re.findall(r'<option value="(\w+)"', html) == ["kk", "ru", "en"]
    assert re.findall(r'<option value="(\w+)" lang="\w+" selected>', html) == [language]
    assert ">Қазақ<" in html and ">Русский<" in html and ">English<" in html


@pytest.mark.django_db
def test_a_page_carries_the_frame_and_a_csrf_token_in_every_form(client):
    client.force_login(factories.registrar())
    html = client.get(reverse("portal:home")).content.decode()
    assert '<option value="ru" lang="ru" selected>' in html
    assert "/static/portal/portal.css" in html and "/static/portal/portal.js" in html
    token = re.search(r'"X-CSRFToken": "(\w+)"', html).group(1)
    forms = html.count("<form")
    assert forms >= 2 and html.count(f'name="csrfmiddlewaretoken" value="{token}"') == forms
