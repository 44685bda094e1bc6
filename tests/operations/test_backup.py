"""Backup and verified restore (issue 10): a round trip into a fresh database gives equal row
counts and checksums for every table; a changed dump or manifest is detected.

The tests back up the test database itself and restore into a fresh target of the same kind: a
new SQLite file, or on PostgreSQL a uniquely named database created and dropped here.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from registrar.contingent.choices import OrderType
from registrar.contingent.services import apply_order, approve_order
from registrar.operations.backup import (
    MANIFEST,
    Database,
    read_manifest,
    state_of,
    table_names,
)
from registrar.people.models import Student
from tests import factories
from tests.contingent.helpers import draft

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def fresh_target(tmp_path):
    """The URL of an empty database of the test database's kind; dropped afterwards."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    source = Database.from_settings(connection.settings_dict)
    name = f"ops_restore_{uuid.uuid4().hex[:12]}"
    admin = Database("postgresql", "postgres", source.host, source.port, source.user,
                     source.password)
    with admin.pg_connect(autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    auth = source.user + (f":{source.password}" if source.password else "")
    yield f"postgres://{auth}@{source.host or '127.0.0.1'}:{source.port or 5432}/{name}"
    with admin.pg_connect(autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def university(settings, tmp_path):
    """A few students moved by an applied order (so audit events, status history, orders and
    counters have rows), names in three scripts, and one file in the media folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "media" / "letters").mkdir(parents=True)
    (tmp_path / "media" / "letters" / "ответ.txt").write_text("Құрметті студент!\n")
    reg = factories.registrar()
    prog = factories.programme()
    students = [factories.student(prog, last_name_kk=f"Әбенов{i}") for i in range(4)]
    order = draft(OrderType.ENROLMENT, [(s, dt.date(2025, 9, 1),
                                         dict(to_group=factories.group(prog), to_funding="paid"))
                                        for s in students], by=reg)
    apply_order(approve_order(order, by=reg, signed_on=dt.date(2025, 8, 28)), by=reg)
    return students


def backup(out: Path) -> Path:
    stdout = io.StringIO()
    call_command("backup", out=str(out), stdout=stdout)
    archive = Path(stdout.getvalue().splitlines()[0])
    assert archive.is_file() and archive.parent == out
    return archive


def restore(archive: Path, url: str, media_root: Path, **kw) -> str:
    stdout = io.StringIO()
    call_command("restore", str(archive), database_url=url, media_root=str(media_root),
                 stdout=stdout, **kw)
    return stdout.getvalue()


def members(archive: Path) -> dict[str, bytes]:
    with tarfile.open(archive, "r:*") as tar:
        return {m.name: tar.extractfile(m).read() for m in tar.getmembers() if m.isfile()}


def rewrite(archive: Path, out: Path, contents: dict[str, bytes]) -> Path:
    """A copy of the archive with the members replaced (same order, same compression)."""
    mode = "w:gz" if archive.name.endswith(".gz") else "w"
    with tarfile.open(out, mode) as tar:
        for name, data in contents.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return out


def dump_name(contents: dict[str, bytes]) -> str:
    return json.loads(contents[MANIFEST])["dump"]["file"]


def test_round_trip_into_a_fresh_database_has_equal_counts_and_checksums(
        university, fresh_target, tmp_path):
    archive = backup(tmp_path / "backups")
    manifest = read_manifest(archive)
    assert manifest["database"]["vendor"] == ("sqlite" if connection.vendor == "sqlite"
                                              else "postgresql")
    assert manifest["app"]["version"]
    assert "people" in manifest["migrations"]
    student_table = ("people_student" if connection.vendor == "sqlite"
                     else "public.people_student")
    assert manifest["tables"][student_table]["rows"] == Student.objects.count() == 4
    assert set(manifest["media"]) == {"letters/ответ.txt"}

    out = restore(archive, fresh_target, tmp_path / "restored-media", verbosity=2)

    assert "Verified:" in out and "MISMATCH" not in out
    assert f"table {student_table}: 4 rows, checksum equal" in out
    tables, migrations = state_of(Database.from_url(fresh_target))
    assert tables == manifest["tables"]
    assert migrations == manifest["migrations"]
    assert sum(t["rows"] for t in tables.values()) > 20  # students, orders, history, audit
    assert ((tmp_path / "restored-media" / "letters" / "ответ.txt").read_text()
            == "Құрметті студент!\n")


def test_the_restored_database_serves_the_same_rows(university, fresh_target, tmp_path):
    archive = backup(tmp_path / "backups")
    restore(archive, fresh_target, tmp_path / "m")
    target = Database.from_url(fresh_target)
    expected = sorted(Student.objects.values_list("iin", "last_name_kk", "status"))
    query = "SELECT iin, last_name_kk, status FROM people_student"
    if target.vendor == "postgresql":
        with target.pg_connect(autocommit=True) as conn:
            rows = sorted(conn.execute(query).fetchall())
    else:
        conn = target.sqlite_connect()
        conn.text_factory = str
        rows = sorted(conn.execute(query).fetchall())
        conn.close()
    assert rows == expected
    assert {r[2] for r in rows} == {"active"}


def test_a_non_empty_target_is_refused_unless_forced(university, fresh_target, tmp_path):
    archive = backup(tmp_path / "backups")
    restore(archive, fresh_target, tmp_path / "m")
    with pytest.raises(CommandError, match="not empty"):
        restore(archive, fresh_target, tmp_path / "m2")
    out = restore(archive, fresh_target, tmp_path / "m", force=True)
    assert "Verified:" in out


def test_a_changed_dump_is_refused_before_the_target_is_touched(
        university, fresh_target, tmp_path):
    archive = backup(tmp_path / "backups")
    contents = members(archive)
    dump = bytearray(contents[dump_name(contents)])
    dump[len(dump) // 2] ^= 0xFF
    contents[dump_name(contents)] = bytes(dump)
    forged = rewrite(archive, tmp_path / f"forged-{archive.name}", contents)

    with pytest.raises(CommandError, match="does not match the manifest"):
        restore(forged, fresh_target, tmp_path / "m")
    assert table_names(Database.from_url(fresh_target)) == []


def test_a_dump_swapped_with_a_forged_digest_fails_the_table_checksums(
        university, fresh_target, tmp_path):
    """An attacker replaces the dump by another one (here: the same database after one name was
    changed) and writes its digest into the manifest: the table checksum still tells."""
    original = backup(tmp_path / "first")
    student = university[0]
    Student.objects.filter(pk=student.pk).update(last_name_ru="Подменённый")
    altered = backup(tmp_path / "second")

    contents, swapped = members(original), members(altered)
    name = dump_name(contents)
    manifest = json.loads(contents[MANIFEST])
    manifest["dump"]["sha256"] = json.loads(swapped[MANIFEST])["dump"]["sha256"]
    contents[MANIFEST] = json.dumps(manifest).encode()
    contents[name] = swapped[name]
    forged = rewrite(original, tmp_path / f"forged-{original.name}", contents)

    with pytest.raises(CommandError, match="Verification failed: 1 difference"):
        out = io.StringIO()
        call_command("restore", str(forged), database_url=fresh_target,
                     media_root=str(tmp_path / "m"), stdout=out)
    assert "people_student: 4 rows, but their content differs" in out.getvalue()


@pytest.mark.parametrize("change", ["rows", "checksum", "migrations"])
def test_a_changed_manifest_fails_the_verification(university, fresh_target, tmp_path, change):
    archive = backup(tmp_path / "backups")
    contents = members(archive)
    manifest = json.loads(contents[MANIFEST])
    table = next(t for t in manifest["tables"] if t.endswith("contingent_statuschange"))
    if change == "rows":
        manifest["tables"][table]["rows"] -= 1
    elif change == "checksum":
        manifest["tables"][table]["checksum"] = "0" * 32
    else:
        manifest["migrations"]["people"].pop()
    contents[MANIFEST] = json.dumps(manifest).encode()
    forged = rewrite(archive, tmp_path / f"forged-{archive.name}", contents)

    out = io.StringIO()
    with pytest.raises(CommandError, match="Verification failed"):
        call_command("restore", str(forged), database_url=fresh_target,
                     media_root=str(tmp_path / "m"), stdout=out)
    expected = {"rows": f"{table}: 4 rows restored, the manifest says 3",
                "checksum": f"{table}: 4 rows, but their content differs",
                "migrations": "applied migrations differ"}[change]
    assert expected in out.getvalue()


def test_a_changed_media_file_fails_the_verification(university, fresh_target, tmp_path):
    archive = backup(tmp_path / "backups")
    contents = members(archive)
    contents["media/letters/ответ.txt"] = "Подделка\n".encode()
    forged = rewrite(archive, tmp_path / f"forged-{archive.name}", contents)
    out = io.StringIO()
    with pytest.raises(CommandError, match="Verification failed: 1 difference"):
        call_command("restore", str(forged), database_url=fresh_target,
                     media_root=str(tmp_path / "m"), stdout=out)
    assert "media letters/ответ.txt: content differs" in out.getvalue()


def test_not_a_backup_is_refused(tmp_path, fresh_target):
    bogus = tmp_path / "bogus.tar"
    with tarfile.open(bogus, "w") as tar:
        tar.addfile(tarfile.TarInfo("readme.txt"), io.BytesIO(b""))
    with pytest.raises(CommandError, match="no manifest.json"):
        restore(bogus, fresh_target, tmp_path / "m")


def test_the_command_exits_non_zero_on_a_mismatch(university, fresh_target, tmp_path):
    """The real command line: `manage.py restore` prints the report and exits 1."""
    archive = backup(tmp_path / "backups")
    contents = members(archive)
    manifest = json.loads(contents[MANIFEST])
    table = next(t for t in manifest["tables"] if t.endswith("people_student"))
    manifest["tables"][table]["rows"] = 5
    contents[MANIFEST] = json.dumps(manifest).encode()
    forged = rewrite(archive, tmp_path / f"forged-{archive.name}", contents)
    env = dict(os.environ, DATABASE_URL=fresh_target, MEDIA_ROOT=str(tmp_path / "m"),
               LOG_LEVEL="ERROR")
    done = subprocess.run([sys.executable, "manage.py", "restore", str(forged)], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"MISMATCH  table {table}: 4 rows restored, the manifest says 5" in done.stdout
    assert "Verification failed" in done.stderr
