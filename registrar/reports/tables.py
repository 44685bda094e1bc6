"""A report as plain tables: what the page, the XLSX workbook and the PDF all show.

Each report's selector returns rows (dataclasses); `presenters.py` turns them into a `Report`
of `Table`s with translated headings. Cells are ints, Decimals, strings or None (shown "—").
"""

from __future__ import annotations

import dataclasses
from typing import Any

from django.utils.safestring import SafeString


@dataclasses.dataclass(frozen=True)
class Column:
    label: str
    group: str = ""  # a heading above several neighbouring columns
    numeric: bool = True
    percent: bool = False


@dataclasses.dataclass(frozen=True)
class HeaderCell:
    label: str
    colspan: int = 1
    rowspan: int = 1
    numeric: bool = False


@dataclasses.dataclass
class Table:
    title: str
    columns: list[Column]
    rows: list[list[Any]]
    totals: list[Any] | None = None
    charts: list[SafeString] | None = None  # one small chart per row (pages and PDFs only)
    empty: str = ""

    @property
    def grouped(self) -> bool:
        return any(c.group for c in self.columns)

    def header(self) -> tuple[list[HeaderCell], list[HeaderCell]]:
        """Two heading rows: the groups (a column without a group spans both rows) and the
        labels of the grouped columns. Without any group the first row has every label and
        the second is empty."""
        if not self.grouped:
            return [HeaderCell(c.label, numeric=c.numeric) for c in self.columns], []
        first: list[HeaderCell] = []
        second: list[HeaderCell] = []
        i = 0
        while i < len(self.columns):
            column = self.columns[i]
            if not column.group:
                first.append(HeaderCell(column.label, rowspan=2, numeric=column.numeric))
                i += 1
                continue
            j = i
            while j < len(self.columns) and self.columns[j].group == column.group:
                second.append(HeaderCell(self.columns[j].label, numeric=True))
                j += 1
            first.append(HeaderCell(column.group, colspan=j - i, numeric=True))
            i = j
        return first, second

    def body(self) -> list[tuple[list[Any], SafeString | None]]:
        charts = self.charts or []
        return [(row, charts[i] if i < len(charts) else None) for i, row in enumerate(self.rows)]


@dataclasses.dataclass
class Report:
    title: str
    filters: list[tuple[str, str]]
    tables: list[Table]
    chart: SafeString | None = None  # one large chart (pages and PDFs)
    notes: list[str] = dataclasses.field(default_factory=list)
    landscape: bool = True

    @property
    def row_count(self) -> int:
        return sum(len(t.rows) + (1 if t.totals else 0) for t in self.tables)
