"""Hypothesis strategies and helpers shared by the fuzz tests (issue 10).

Every test feeds structurally plausible but bad input to an importer or a grade-entry form and
asserts the same three things: only the documented error comes out (never a 500 or a stray
exception), every error names its row/field and reason, and the database is unchanged.

The examples are bounded and derandomized so that the folder runs in well under a minute on a
small CI machine; `FUZZ_RANDOM=1` draws fresh random examples and `FUZZ_EXAMPLES=<n>` raises the
number of examples per test for a longer local run.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import zipfile
from collections.abc import Callable, Iterable
from typing import Any

import openpyxl
from django.db.models import Model
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

_SCALE = int(os.environ.get("FUZZ_EXAMPLES", "0") or 0)


def fuzz(examples: int) -> Callable[[Any], Any]:
    """The hypothesis settings of a fuzz test with `examples` examples (bounded)."""
    return settings(
        max_examples=max(examples, _SCALE),
        deadline=None,
        derandomize=os.environ.get("FUZZ_RANDOM") != "1",
        database=None,
        print_blob=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                               HealthCheck.data_too_large, HealthCheck.filter_too_much],
    )


# --- Nasty text --------------------------------------------------------------------------------

CONTROL = ["\x00", "\x01", "\x07", "\x1b", "\x7f", "\x85"]
INVISIBLE = ["\u200f", "\u200e", "\u202e", "\u200b", "\ufeff", "\u00a0", "\u2028"]
LOOKALIKES = ["А", "В", "Е", "К", "М", "Н", "О", "Р", "С", "Т", "Х", "а", "е", "о", "р", "с", "х",
              "і", "ӏ"]
EMOJI = ["😀", "👩‍🎓", "🇰🇿", "💯"]
FULL_WIDTH_DIGITS = "０１２３４５６７８９"
OTHER_DIGITS = "٠١٢٣٤٥٦٧٨٩²³¹"
SQLISH = ["'; DROP TABLE people_student; --", "1 OR 1=1", "\" OR \"\"=\"", "1; SELECT 1",
          "<script>alert(1)</script>", "{{ 7*7 }}", "%(row)d", "%s%s%s", "${jndi:x}"]


def nasty_text(max_size: int = 40) -> st.SearchStrategy[str]:
    """Text mixing control characters, RTL marks, emoji, Cyrillic look-alikes and markup."""
    pieces = st.one_of(
        st.text(max_size=max_size),
        st.sampled_from(CONTROL + INVISIBLE + LOOKALIKES + EMOJI + SQLISH),
        st.text(alphabet=FULL_WIDTH_DIGITS + OTHER_DIGITS, min_size=1, max_size=12),
        st.just("x" * 5000),
        st.just("=SUM(A1:A9)"),
        st.just("=1/0"),
    )
    return st.lists(pieces, min_size=1, max_size=4).map("".join)


def cell_values() -> st.SearchStrategy[Any]:
    """A value openpyxl can write into a cell: every type a spreadsheet may hold."""
    return st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(10**20), max_value=10**20),
        st.floats(allow_nan=True, allow_infinity=True),
        st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(9999, 12, 31)),
        st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(9999, 1, 1)),
        st.times(),
        st.timedeltas(min_value=dt.timedelta(0), max_value=dt.timedelta(days=999)),
        nasty_text().map(xlsx_safe),
    )


def xlsx_safe(value: str) -> str:
    """openpyxl refuses control characters in cells; a real workbook cannot hold them either."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)[:32000]


# --- Files ------------------------------------------------------------------------------------

def xlsx(rows: Iterable[Iterable[Any]], extra_sheets: dict[str, list[list[Any]]] | None = None
         ) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append([xlsx_safe(v) if isinstance(v, str) else v for v in row])
    for title, values in (extra_sheets or {}).items():
        extra = book.create_sheet(title)
        for row in values:
            extra.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(rows: Iterable[Iterable[Any]], delimiter: str = ",", encoding: str = "utf-8",
              quoting: int = csv.QUOTE_MINIMAL) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, quoting=quoting, lineterminator="\r\n")
    for row in rows:
        writer.writerow(["" if v is None else str(v) for v in row])
    return out.getvalue().encode(encoding, errors="replace")


ENCODINGS = ["utf-8", "utf-8-sig", "cp1251", "utf-16", "utf-16-le", "utf-32", "koi8-r",
             "latin-1"]
DELIMITERS = [",", ";", "\t", "|", " ", ":"]


@st.composite
def broken_archives(draw: st.DrawFn, valid: bytes) -> bytes:
    """A valid ZIP/XLSX truncated, with flipped bytes, or with its headers tampered with
    (encrypted flag, an unknown compression method)."""
    how = draw(st.sampled_from(["truncate", "flip", "encrypted", "method", "prefix"]))
    data = bytearray(valid)
    # positions are drawn independently of the length, which may differ by a byte between
    # examples (a workbook records the time it was saved)
    if how == "truncate":
        return bytes(data[:draw(st.integers(0, 10**6)) % max(len(data), 1)])
    if how == "flip":
        for _ in range(draw(st.integers(1, 8))):
            i = draw(st.integers(0, 10**6)) % len(data)
            data[i] ^= draw(st.integers(1, 255))
        return bytes(data)
    if how == "prefix":
        return draw(st.binary(max_size=64)) + bytes(data)
    # tamper with every local and central header: bit 0 = encrypted, or compression 77
    for signature, flag_at, method_at in ((b"PK\x03\x04", 6, 8), (b"PK\x01\x02", 8, 10)):
        start = data.find(signature)
        while start != -1:
            if how == "encrypted":
                data[start + flag_at] |= 1
            else:
                data[start + method_at] = 77
            start = data.find(signature, start + 4)
    return bytes(data)


def zip_of(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return out.getvalue()


def garbage_files(valid_xlsx: bytes, valid_csv: bytes) -> st.SearchStrategy[bytes]:
    """Bytes that are not a usable file of the format."""
    return st.one_of(
        st.just(b""),
        st.binary(max_size=2000),
        broken_archives(valid_xlsx),
        st.just(valid_csv.decode("utf-8").encode("utf-16")),
        st.just(valid_csv.decode("utf-8").encode("cp1251", errors="replace")),
        st.just(b"\xff\xfe" + valid_csv),
        st.just(valid_csv.replace(b",", b"\x00", 3)),
        st.just(valid_csv[: len(valid_csv) // 2]),
    )


# --- Database ---------------------------------------------------------------------------------

def snapshot(*models: type[Model]) -> dict[str, Any]:
    """Row counts of the tables, and the rows themselves for small tables, to compare before
    and after an import that must not write."""
    state: dict[str, Any] = {}
    for model in models:
        label = model._meta.label
        state[label] = model.objects.count()
        if state[label] <= 200:
            state[label + ":rows"] = sorted(
                (tuple(sorted((k, repr(v)) for k, v in r.items()))
                 for r in model.objects.values()), key=repr)
    return state


def assert_messages(messages: Iterable[str]) -> None:
    """Every message is a non-empty human sentence, not a Python exception text."""
    found = list(messages)
    assert found, "an error without any message"
    for message in found:
        assert isinstance(message, str) and message.strip(), repr(message)
        for leak in ("Traceback", "object at 0x", "Error(", "<class "):
            assert leak not in message, message
