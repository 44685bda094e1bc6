"""Issuing and printing documents for many students at once (a programme, a group).

Each document is issued in its own transaction (one refusal does not undo the others) and
printed to `<out>/<group>/<surname>-<code>.pdf`. Printing needs no database, so with
`jobs > 1` it runs in forked worker processes while the main process goes on issuing.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import sys
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import Any, TextIO

from django.core.exceptions import PermissionDenied
from django.utils.text import slugify

from registrar.people.models import Student

from . import services
from .models import DocumentKind, IssuedDocument


@dataclasses.dataclass
class BatchResult:
    issued: list[IssuedDocument] = dataclasses.field(default_factory=list)
    files: list[Path] = dataclasses.field(default_factory=list)
    refused: list[tuple[Student, str]] = dataclasses.field(default_factory=list)
    seconds: float = 0.0

    @property
    def rate(self) -> float:
        return len(self.issued) / self.seconds if self.seconds else 0.0


def pdf_path(out_dir: Path, document: IssuedDocument) -> Path:
    holder = document.content["holder"]
    folder = slugify(holder.get("group") or "no-group", allow_unicode=True) or "no-group"
    surname = slugify(holder.get("surname") or "", allow_unicode=True) or str(
        document.student_id)
    return out_dir / folder / f"{surname}-{document.code}.pdf"


def _write_pdf(document: IssuedDocument, path: str) -> str:
    data = services.render_pdf(document)
    tmp = f"{path}.part"
    with open(tmp, "wb") as handle:
        handle.write(data)
    os.replace(tmp, path)  # never a half-written file under the final name
    return path


class ProgressBar:
    """`\\r[#####.....] 123/1000 12.3/s` on one terminal line, no dependency."""

    def __init__(self, total: int, stream: TextIO | None = None, width: int = 30):
        self.total, self.width = total, width
        self.stream = stream or sys.stderr
        self.started = time.perf_counter()
        self.last_drawn = 0.0

    def __call__(self, done: int, force: bool = False) -> None:
        now = time.perf_counter()
        if not force and done < self.total and now - self.last_drawn < 0.1:
            return
        self.last_drawn = now
        filled = int(self.width * done / self.total) if self.total else self.width
        rate = done / (now - self.started) if now > self.started else 0.0
        self.stream.write(f"\r[{'#' * filled}{'.' * (self.width - filled)}] "
                          f"{done}/{self.total} {rate:.1f}/s")
        self.stream.flush()

    def close(self) -> None:
        self(self.total if self.total else 0, force=True)
        self.stream.write("\n")
        self.stream.flush()


def issue_batch(students: Iterable[Student], *, by: Any, language: str,
                kind: str = DocumentKind.TRANSCRIPT, out_dir: Path | str | None = None,
                jobs: int = 1, progress: Callable[[int], None] | None = None) -> BatchResult:
    """Issue a document to each student (and print it to `out_dir` when given).

    `progress(done)` is called after each student. Students who may not receive the document
    (no results, not left for a certificate, out of the user's scope) are listed in
    `refused` with the reason."""
    students = list(students)
    result = BatchResult()
    started = time.perf_counter()
    out = Path(out_dir) if out_dir is not None else None
    pool = _start_pool(jobs) if out is not None and jobs > 1 else None
    pending: list[Future[str]] = []
    printed = [0]

    def count(_future: Future[str]) -> None:
        printed[0] += 1

    try:
        for student in students:
            try:
                document = services.issue_transcript(student, by=by, language=language,
                                                     kind=kind)
            except (services.DocumentRefused, PermissionDenied) as exc:
                result.refused.append((student, str(exc) or "permission denied"))
            else:
                result.issued.append(document)
                if out is not None:
                    path = pdf_path(out, document)
                    path.parent.mkdir(parents=True, exist_ok=True)
                    if pool is not None:
                        future = pool.submit(_write_pdf, document, str(path))
                        future.add_done_callback(count)
                        pending.append(future)
                    else:
                        _write_pdf(document, str(path))
                        result.files.append(path)
            if progress is not None:
                done = len(result.refused) + (printed[0] if pool is not None
                                              else len(result.issued))
                progress(done)
        for future in pending:
            result.files.append(Path(future.result()))
            if progress is not None:
                progress(len(result.refused) + printed[0])
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    result.seconds = time.perf_counter() - started
    return result


def _warm() -> None:
    """Nothing: the first task makes the pool fork all its workers."""


def _start_pool(jobs: int) -> ProcessPoolExecutor:
    """Worker processes forked with WeasyPrint already imported. Printing touches no database:
    a worker never uses the connection objects it inherits (and leaves through os._exit, so
    it does not close them under the parent either); the connections stay open in the parent,
    which may be inside a transaction."""
    import weasyprint  # noqa: F401  (imported once, inherited by the workers)

    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("fork"))
    pool.submit(_warm).result()  # with "fork", the first submit starts every worker
    return pool
