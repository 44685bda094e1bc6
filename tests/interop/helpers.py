"""Reading a OneRoster ZIP and writing an LMS gradebook one, for the tests."""

from __future__ import annotations

import csv
import io
import zipfile

LINE_ITEM_COLUMNS = ("sourcedId", "status", "dateLastModified", "title", "description",
                     "assignDate", "dueDate", "classSourcedId", "categorySourcedId",
                     "gradingPeriodSourcedId", "resultValueMin", "resultValueMax")
RESULT_COLUMNS = ("sourcedId", "status", "dateLastModified", "lineItemSourcedId",
                  "studentSourcedId", "scoreStatus", "score", "scoreDate", "comments")
CATEGORY_COLUMNS = ("sourcedId", "status", "dateLastModified", "title")


def read_zip(content: bytes) -> dict[str, tuple[list[str], list[dict[str, str]]]]:
    """{file name: (header, rows as dicts)} of every CSV in the archive."""
    out = {}
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            text = archive.read(name).decode("utf-8")
            table = list(csv.reader(io.StringIO(text, newline="")))
            header = table[0]
            out[name] = (header, [dict(zip(header, row, strict=True)) for row in table[1:]])
    return out


def table(columns, rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(c, "") for c in columns])
    return buffer.getvalue().encode("utf-8")


def gradebook(line_items, results, categories=None, manifest=True) -> bytes:
    """An LMS gradebook export: lineItems.csv, results.csv (and categories.csv)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if manifest:
            archive.writestr("manifest.csv", table(("propertyName", "value"), [
                {"propertyName": "manifest.version", "value": "1.0"},
                {"propertyName": "oneroster.version", "value": "1.2"},
                {"propertyName": "file.categories", "value": "bulk" if categories else "absent"},
                {"propertyName": "file.lineItems", "value": "bulk"},
                {"propertyName": "file.results", "value": "bulk"},
            ]))
        archive.writestr("lineItems.csv", table(LINE_ITEM_COLUMNS, line_items))
        archive.writestr("results.csv", table(RESULT_COLUMNS, results))
        if categories:
            archive.writestr("categories.csv", table(CATEGORY_COLUMNS, categories))
    return buffer.getvalue()
