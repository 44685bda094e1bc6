"""The batch command: transcripts for a group, printed to a folder."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from pypdf import PdfReader

from registrar.documents.batch import issue_batch, pdf_path
from registrar.documents.models import IssuedDocument
from tests import factories

pytestmark = pytest.mark.django_db


def test_issue_transcripts_for_a_group(w, tmp_path, capsys):
    factories.student(w.programme, status="active", group=w.group)  # no results: refused
    call_command("issue_transcripts", "--group", w.group.name, "--language", "ru",
                 "--user", w.registrar.username, "--out", str(tmp_path))
    out, err = capsys.readouterr()
    assert "Issued 2 of 3" in out
    assert "refused" in err and "[" in err and "/s" in err  # the progress bar and refusals
    docs = IssuedDocument.objects.order_by("student__last_name_ru")
    assert docs.count() == 2
    files = sorted(tmp_path.rglob("*.pdf"))
    assert len(files) == 2
    for doc in docs:
        assert any(doc.code in f.name for f in files)
    assert PdfReader(files[0]).pages


def test_the_issuer_needs_the_permission(w, tmp_path, capsys):
    call_command("issue_transcripts", "--group", w.group.name, "--user",
                 w.other_dean.username, "--no-progress")
    assert not IssuedDocument.objects.exists()
    assert "Issued 0 of 2" in capsys.readouterr().out


def test_unknown_group_or_user(w):
    with pytest.raises(CommandError):
        call_command("issue_transcripts", "--group", "NOPE", "--user", w.registrar.username)
    with pytest.raises(CommandError):
        call_command("issue_transcripts", "--group", w.group.name, "--user", "nobody")


def test_printing_in_worker_processes(w, tmp_path):
    result = issue_batch([w.student, w.other], by=w.registrar, language="kk", out_dir=tmp_path,
                         jobs=2)
    assert len(result.issued) == 2 and len(result.files) == 2
    for doc in result.issued:
        path = pdf_path(tmp_path, doc)
        assert path in result.files
        assert doc.code in PdfReader(path).pages[0].extract_text()
    assert IssuedDocument.objects.count() == 2  # the parent's connection still works
