"""Every named page of the URL configuration is reached by its own URL: no pattern shadows
another's. The portal's patterns come first in registrar/urls.py (they are the most
requested, issue 10), which is safe only while none of them catches another app's path."""

from __future__ import annotations

import uuid

from django.urls import get_resolver, resolve, reverse
from django.urls.resolvers import URLPattern, URLResolver
from django.utils import translation

SAMPLE = {"int": 7, "str": "x1", "slug": "x1", "uuid": uuid.UUID(int=7), "path": "x1/y"}


def _named(patterns, namespace="", route=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            inner = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from _named(p.url_patterns, inner, route + str(p.pattern))
        elif isinstance(p, URLPattern) and p.name:
            yield f"{namespace}{p.name}", p, route + str(p.pattern)


def test_every_named_url_resolves_to_its_own_view():
    checked, wrong = 0, []
    with translation.override("ru"):
        for name, pattern, route in _named(get_resolver().url_patterns):
            converters = getattr(pattern.pattern, "converters", {})
            kwargs = {key: SAMPLE.get(type(c).__name__.removesuffix("Converter").lower(), 7)
                      for key, c in converters.items()}
            try:
                url = reverse(name, kwargs=kwargs)
            except Exception:  # noqa: BLE001 - a regex pattern the samples do not fit
                continue
            checked += 1
            found = resolve(url)
            # The API names each method of one path (GET and POST on /registrations): one route.
            if found.view_name != name and found.route != route:
                wrong.append((name, url, found.view_name))
    assert checked > 300
    assert wrong == []
