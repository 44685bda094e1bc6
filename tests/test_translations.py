"""The kk and ru translation catalogues are complete, consistent and compiled.

No database is needed: these tests read registrar/locale/*/LC_MESSAGES/django.{po,mo}
with polib and ask Django's gettext for a couple of strings.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import polib
import pytest
from django.utils import translation

LOCALE_DIR = Path(__file__).resolve().parents[1] / "registrar" / "locale"
TRANSLATED_LANGUAGES = ["kk", "ru"]
ALL_LANGUAGES = ["kk", "ru", "en"]
NPLURALS = {"kk": 2, "ru": 3}

# %(name)s / %(count)d / %s / %d (with optional flags, width, precision) and {name}.
# "%%" is a literal percent sign and is removed before matching.
PLACEHOLDER = re.compile(
    r"%\([^)]+\)[-#0 +]*\d*(?:\.\d+)?[sdifrx]"
    r"|%[-#0 +]*\d*(?:\.\d+)?[sdifrx]"
    r"|\{[A-Za-z_][A-Za-z0-9_]*\}"
)


def placeholders(text: str) -> Counter[str]:
    return Counter(PLACEHOLDER.findall(text.replace("%%", "")))


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / "django.po"


def mo_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / "django.mo"


def live_entries(lang: str) -> list[polib.POEntry]:
    return [e for e in polib.pofile(str(po_path(lang))) if not e.obsolete]


def label(entry: polib.POEntry) -> str:
    return f"{entry.msgid!r} ({', '.join(f'{p}:{n}' for p, n in entry.occurrences[:2])})"


@pytest.mark.parametrize("lang", ALL_LANGUAGES)
def test_catalogue_files_exist(lang):
    assert po_path(lang).is_file(), f"missing {po_path(lang)}"
    assert mo_path(lang).is_file(), f"missing {mo_path(lang)}: run compilemessages"


@pytest.mark.parametrize("lang", TRANSLATED_LANGUAGES)
def test_every_entry_is_translated(lang):
    entries = live_entries(lang)
    assert entries, f"{lang}: empty catalogue"
    untranslated = []
    for e in entries:
        if e.msgid_plural:
            forms = e.msgstr_plural
            if len(forms) != NPLURALS[lang] or not all(v.strip() for v in forms.values()):
                untranslated.append(label(e))
        elif not e.msgstr.strip():
            untranslated.append(label(e))
    assert not untranslated, f"{lang}: {len(untranslated)} untranslated:\n" + "\n".join(
        untranslated
    )


@pytest.mark.parametrize("lang", ALL_LANGUAGES)
def test_no_fuzzy_entries(lang):
    po = polib.pofile(str(po_path(lang)))
    fuzzy = [label(e) for e in po if not e.obsolete and "fuzzy" in e.flags]
    assert not fuzzy, f"{lang}: fuzzy entries:\n" + "\n".join(fuzzy)


@pytest.mark.parametrize("lang", TRANSLATED_LANGUAGES)
def test_plural_forms_header(lang):
    po = polib.pofile(str(po_path(lang)))
    header = po.metadata.get("Plural-Forms", "")
    assert f"nplurals={NPLURALS[lang]};" in header.replace(" ", ""), header


@pytest.mark.parametrize("lang", TRANSLATED_LANGUAGES)
def test_placeholders_are_kept(lang):
    wrong = []
    for e in live_entries(lang):
        if e.msgid_plural:
            expected = placeholders(e.msgid_plural)
            for n, form in e.msgstr_plural.items():
                if form and placeholders(form) != expected:
                    wrong.append(f"{label(e)} form {n}: {form!r}")
        elif e.msgstr and placeholders(e.msgstr) != placeholders(e.msgid):
            wrong.append(f"{label(e)}: {e.msgstr!r}")
    assert not wrong, f"{lang}: placeholders differ:\n" + "\n".join(wrong)


def _po_translations(lang: str) -> dict:
    result = {}
    for e in live_entries(lang):
        if "fuzzy" in e.flags:
            continue  # msgfmt leaves fuzzy entries out of the .mo
        key = (e.msgctxt, e.msgid)
        if e.msgid_plural:
            forms = tuple(e.msgstr_plural[k] for k in sorted(e.msgstr_plural))
            if all(forms):
                result[key] = (e.msgid_plural, forms)
        elif e.msgstr:
            result[key] = e.msgstr
    return result


def _mo_translations(lang: str) -> dict:
    result = {}
    for e in polib.mofile(str(mo_path(lang))):
        if e.msgid == "" and not e.msgctxt:
            continue  # the header
        key = (e.msgctxt, e.msgid)
        if e.msgid_plural:
            result[key] = (
                e.msgid_plural,
                tuple(e.msgstr_plural[k] for k in sorted(e.msgstr_plural)),
            )
        else:
            result[key] = e.msgstr
    return result


@pytest.mark.parametrize("lang", ALL_LANGUAGES)
def test_compiled_catalogue_is_up_to_date(lang):
    po, mo = _po_translations(lang), _mo_translations(lang)
    missing = sorted(repr(k[1]) for k in po.keys() - mo.keys())
    extra = sorted(repr(k[1]) for k in mo.keys() - po.keys())
    differ = sorted(repr(k[1]) for k in po.keys() & mo.keys() if po[k] != mo[k])
    assert not (missing or extra or differ), (
        f"{lang}: django.mo is stale (run compilemessages); "
        f"not in .mo: {missing[:10]}, only in .mo: {extra[:10]}, differ: {differ[:10]}"
    )


@pytest.mark.parametrize(("lang", "expected"), [("kk", "БҰЙРЫҚ"), ("ru", "ПРИКАЗ")])
def test_order_heading_is_translated(lang, expected):
    with translation.override(lang):
        assert translation.gettext("ORDER") == expected


@pytest.mark.parametrize(
    ("lang", "expected"), [("kk", "БҰЙЫРАМЫН:"), ("ru", "ПРИКАЗЫВАЮ:"), ("en", "I order:")]
)
def test_order_formula_is_translated(lang, expected):
    with translation.override(lang):
        assert translation.gettext("I order:") == expected
