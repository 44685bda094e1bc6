"""The search key of a student: names in every script, IIN and group as one normalised text.

A registrar types a name the way it comes to mind — lower case, Russian or Kazakh spelling,
Latin letters, part of a surname — and must find the student among 50,000 in well under a
second on SQLite and PostgreSQL alike. Case-insensitive matching of Cyrillic cannot be left
to the database (SQLite's LIKE and ``istartswith`` fold ASCII only), so every student carries
``Student.search_key``: the words of their names, IIN and group, normalised in Python, stored as
``" word1 word2 … "``. A query is normalised the same way and split into words; each word must
be the beginning of a word of the key, i.e. the key must contain ``" " + word`` (one
``LIKE '% word%'`` per word; on PostgreSQL a trigram GIN index serves it, migration 0003).

Normalisation (`normalise`), applied to the key and to the query alike:

- Unicode NFC, then ``str.casefold`` (``Айгуль`` → ``айгуль``, ``ß`` → ``ss``);
- ``ё`` → ``е``; the Kazakh-specific letters are folded to the Russian letters the Russian
  spelling of a Kazakh name uses: ``ә→а ғ→г қ→к ң→н ө→о ұ→у ү→у һ→х і→и``, so ``Нұрлан``,
  ``нурлан`` and ``НУРЛАН`` are the same word and a query typed on a Russian keyboard finds a
  name stored in its Kazakh spelling (and the other way round);
- Latin letters lose their diacritics (``ä``→``a``, ``ş``→``s``, ``ı``→``i``); ``й`` stays;
- apostrophes vanish (``O'Neil`` → ``oneil``); any other character but a letter, a digit or an
  inner hyphen separates words. A hyphenated word is kept whole and its parts are added too,
  so ``Иванова-Петрова`` is found by ``петрова`` and the group ``CS-23-1`` by ``cs-23``.

The key also holds a simple Latin transliteration of the Cyrillic words (``Жандос`` →
``zhandos``, ``Хасенов`` → ``khasenov``), so a Latin query finds a student whose Latin name is
blank; the registered Latin spelling (``Yerlan``) is in the key as well.

The key is maintained on every write path: ``Student.save``; the ``bulk_create``,
``bulk_update`` and ``update`` of the Student queryset (imports, the demo builder, orders
applied by the contingent services); a rename of an academic group. `refresh_keys` recomputes
it for any set of students (e.g. after raw SQL).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .models import Student

# The fields whose values make up the key (a write of any of them refreshes it).
NAME_FIELDS = (
    "last_name_kk", "first_name_kk", "patronymic_kk",
    "last_name_ru", "first_name_ru", "patronymic_ru",
    "last_name_en", "first_name_en",
)
KEY_SOURCES = frozenset({*NAME_FIELDS, "iin", "group", "group_id"})

_FOLD = str.maketrans({
    "ё": "е", "ә": "а", "ғ": "г", "қ": "к", "ң": "н", "ө": "о", "ұ": "у", "ү": "у",
    "һ": "х", "і": "и", "ı": "i",
    "'": None, "’": None, "ʼ": None, "`": None, "‘": None,
})

_TRANSLIT = str.maketrans({
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ж": "zh", "з": "z",
    "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p",
    "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch",
    "ш": "sh", "щ": "shch", "ъ": None, "ы": "y", "ь": None, "э": "e", "ю": "yu", "я": "ya",
})

_SEPARATORS = re.compile(r"[^\w-]+|_")
_CYRILLIC = re.compile(r"[а-я]")


def normalise(text: str) -> str:
    """Casefolded, Kazakh letters folded to Russian ones, diacritics off (see the module)."""
    text = unicodedata.normalize("NFC", text or "").casefold().translate(_FOLD)
    if text.isascii():
        return text
    out = []
    for char in text:
        if char.isascii() or char == "й" or "а" <= char <= "я":
            out.append(char)
            continue
        out.append("".join(c for c in unicodedata.normalize("NFKD", char)
                           if not unicodedata.combining(c)))
    return "".join(out)


def words(text: str) -> list[str]:
    """The normalised words of a text, in order (hyphenated words kept whole)."""
    result = []
    for raw in _SEPARATORS.split(normalise(text)):
        word = raw.strip("-")
        if word:
            result.append(word)
    return result


def query_terms(text: str) -> list[str]:
    """The words of a query, without repeats (each must begin a word of the key)."""
    return list(dict.fromkeys(words(text)))


def transliterate(word: str) -> str:
    """A normalised Cyrillic word in Latin letters (``жандос`` → ``zhandos``)."""
    return word.translate(_TRANSLIT)


def key_from_values(names: Iterable[str], iin: str = "", group_name: str = "") -> str:
    """The key from plain values (also used by the data migration)."""
    tokens: list[str] = []
    for value in names:
        for word in words(value or ""):
            tokens.append(word)
            if "-" in word:
                tokens.extend(part for part in word.split("-") if part)
    tokens.extend([transliterate(t) for t in tokens if _CYRILLIC.search(t)])
    if iin:
        tokens.append(iin.strip())
    tokens.extend(words(group_name or ""))
    unique = [t for t in dict.fromkeys(tokens) if t]
    return f" {' '.join(unique)} " if unique else ""


def key_for(student: Student, group_name: str | None = None) -> str:
    """The key of a student; `group_name` saves the query when the caller knows it."""
    if group_name is None:
        group = student.group if student.group_id is not None else None
        group_name = group.name if group is not None else ""
    return key_from_values((getattr(student, f) for f in NAME_FIELDS), student.iin or "",
                           group_name)


def _group_names(students: list[Student]) -> dict[int, str]:
    from registrar.institution.models import AcademicGroup

    from .models import Student

    known: dict[int, str] = {}
    missing = set()
    for student in students:
        if student.group_id is None:
            continue
        if Student.group.is_cached(student) and student.group is not None:
            known[student.group_id] = student.group.name
        else:
            missing.add(student.group_id)
    missing -= set(known)
    if missing:
        known.update(AcademicGroup.objects.filter(pk__in=missing).values_list("pk", "name"))
    return known


def fill_keys(students: list[Student]) -> bool:
    """Set `search_key` on the (unsaved) objects, with one query for the group names.
    True when at least one key changed."""
    groups = _group_names(students)
    changed = False
    for student in students:
        key = key_for(student, groups.get(student.group_id, "") if student.group_id else "")
        if key != student.search_key:
            student.search_key = key
            changed = True
    return changed


def refresh_keys(students: Any, chunk: int = 2000) -> int:
    """Recompute and store the key of every student of a queryset; the number changed."""
    from .models import Student

    changed = 0
    batch: list[Student] = []
    rows = students.select_related("group").only(
        "pk", "iin", "search_key", "group", "group__name", *NAME_FIELDS).order_by("pk")
    for student in rows.iterator(chunk_size=chunk):
        key = key_for(student, student.group.name if student.group_id else "")
        if key != student.search_key:
            student.search_key = key
            batch.append(student)
        if len(batch) >= chunk:
            Student.objects.bulk_update(batch, ["search_key"])
            changed += len(batch)
            batch = []
    if batch:
        Student.objects.bulk_update(batch, ["search_key"])
        changed += len(batch)
    return changed
