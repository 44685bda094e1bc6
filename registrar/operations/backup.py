"""Backup and verified restore of the database and the media folder (issue 10).

An archive is one tar file (gzip-compressed for SQLite; a PostgreSQL dump is compressed already):

    manifest.json      what was saved and how to check it (below)
    database.dump      PostgreSQL: `pg_dump -Fc`, taken in the snapshot the manifest was counted in
    database.sqlite3   SQLite: a copy made with the online backup API (`sqlite3.Connection.backup`)
    media/...          the files under MEDIA_ROOT, if there are any

The manifest holds the row count and a content checksum of every table (the rows in primary-key
order: on PostgreSQL `md5(string_agg(md5(t::text), '' ORDER BY pk))` computed in SQL; on SQLite
the SHA-256 of each row's SQL-quoted values), the SHA-256 of the dump file and of every media
file, the app version and the applied migrations. Issued documents are database rows (their
content is JSON, the PDF is rendered on demand), so the database holds every document.

A restore checks the dump file's digest before it touches the target, refuses a target that
already has tables (unless forced), restores, then recomputes every count and checksum on the
restored database and compares them with the manifest: `Verification.problems` lists each
difference, and the `restore` command exits non-zero when there is any.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import importlib.metadata
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path, PurePosixPath
from typing import IO, Any

import dj_database_url

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA_PREFIX = "media/"
DUMP_NAME = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
CHECKSUM_METHOD = {
    "postgresql": "md5(string_agg(md5(t::text), '' ORDER BY primary key)), session in UTC/ISO",
    "sqlite": "sha256 over quote() of every column, one row per line, in primary-key order",
}
# Output settings that change how PostgreSQL writes a row as text: fixed for the checksums.
PG_SESSION = (
    "SET TIME ZONE 'UTC'",
    "SET DateStyle = 'ISO, YMD'",
    "SET IntervalStyle = 'postgres'",
    "SET extra_float_digits = 3",
    "SET bytea_output = 'hex'",
)
CHUNK = 1 << 20


class OperationsError(Exception):
    """A backup or restore could not be made; the message says why."""


# Databases ------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Database:
    """Where to read or write: the vendor and how to connect (no Django connection needed)."""

    vendor: str  # "postgresql" or "sqlite"
    name: str  # the database name, or the SQLite file
    host: str = ""
    port: str = ""
    user: str = ""
    password: str = dataclasses.field(default="", repr=False)

    @classmethod
    def from_settings(cls, settings_dict: dict[str, Any]) -> Database:
        engine = str(settings_dict.get("ENGINE", ""))
        if engine.endswith("sqlite3"):
            vendor = "sqlite"
        elif "postgresql" in engine:
            vendor = "postgresql"
        else:
            raise OperationsError(f"Backups support PostgreSQL and SQLite, not {engine}.")
        return cls(vendor=vendor, name=str(settings_dict.get("NAME") or ""),
                   host=str(settings_dict.get("HOST") or ""),
                   port=str(settings_dict.get("PORT") or ""),
                   user=str(settings_dict.get("USER") or ""),
                   password=str(settings_dict.get("PASSWORD") or ""))

    @classmethod
    def from_url(cls, url: str) -> Database:
        return cls.from_settings(dict(dj_database_url.parse(url)))

    def pg_env(self) -> dict[str, str]:
        """The environment for pg_dump/pg_restore: the password never goes on a command line."""
        env = dict(os.environ)
        for key, value in (("PGHOST", self.host), ("PGPORT", self.port), ("PGUSER", self.user),
                           ("PGPASSWORD", self.password), ("PGDATABASE", self.name)):
            if value:
                env[key] = value
        return env

    def pg_connect(self, *, autocommit: bool = False) -> Any:
        import psycopg

        return psycopg.connect(host=self.host or None, port=self.port or None,
                               user=self.user or None, password=self.password or None,
                               dbname=self.name, autocommit=autocommit, connect_timeout=10)

    def sqlite_connect(self) -> sqlite3.Connection:
        if not self.name or self.name == ":memory:" or self.name.startswith("file:"):
            raise OperationsError("Restore into an SQLite file: give --database-url sqlite:///path.")
        conn = sqlite3.connect(self.name, timeout=20)
        conn.text_factory = bytes
        return conn


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


# Counting and checksumming --------------------------------------------------------------------


def _pg_prepare(conn: Any) -> None:
    for statement in PG_SESSION:
        conn.execute(statement)


def pg_tables(conn: Any) -> dict[str, dict[str, Any]]:
    """Row count and checksum of every table of the database, named `schema.table`."""
    _pg_prepare(conn)
    tables = conn.execute(
        "SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE c.relkind = 'r' AND n.nspname <> 'information_schema'"
        " AND n.nspname NOT LIKE 'pg\\_%' ORDER BY 1, 2").fetchall()
    result = {}
    for schema, table in tables:
        qualified = f"{_quote(schema)}.{_quote(table)}"
        keys = [row[0] for row in conn.execute(
            "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid"
            " AND a.attnum = ANY(i.indkey) WHERE i.indrelid = %s::regclass AND i.indisprimary"
            " ORDER BY array_position(i.indkey::int2[], a.attnum)", [qualified]).fetchall()]
        order = ", ".join(f"t.{_quote(k)}" for k in keys) if keys else "t::text"
        count, checksum = conn.execute(
            f"SELECT count(*), md5(coalesce(string_agg(md5(t::text), '' ORDER BY {order}), ''))"  # noqa: S608 - quoted identifiers from the catalogue
            f" FROM {qualified} AS t").fetchone()
        result[f"{schema}.{table}"] = {"rows": int(count), "checksum": checksum}
    return result


def sqlite_tables(conn: sqlite3.Connection) -> dict[str, dict[str, Any]]:
    """Row count and checksum of every table of the SQLite database."""
    names = [row[0].decode() if isinstance(row[0], bytes) else row[0] for row in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' "
        "ESCAPE '\\' ORDER BY name")]
    result = {}
    for table in names:
        columns = conn.execute(f"PRAGMA table_info({_quote(table)})").fetchall()
        column_names = [c[1].decode() if isinstance(c[1], bytes) else c[1] for c in columns]
        keys = [name for name, c in sorted(zip(column_names, columns, strict=True),
                                           key=lambda nc: nc[1][5]) if c[5]]
        order = ", ".join(_quote(k) for k in keys) if keys else "rowid"
        text = " || ',' || ".join(f"quote({_quote(c)})" for c in column_names)
        digest, count = hashlib.sha256(), 0
        for (line,) in conn.execute(
                f"SELECT {text} FROM {_quote(table)} ORDER BY {order}"):  # noqa: S608 - quoted identifiers from the catalogue
            digest.update(line if isinstance(line, bytes) else str(line).encode())
            digest.update(b"\n")
            count += 1
        result[table] = {"rows": count, "checksum": digest.hexdigest()}
    return result


def _migrations(rows: Iterable[tuple[Any, Any]]) -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app, name in rows:
        app = app.decode() if isinstance(app, bytes) else app
        name = name.decode() if isinstance(name, bytes) else name
        applied.setdefault(app, []).append(name)
    return {app: sorted(names) for app, names in sorted(applied.items())}


def pg_migrations(conn: Any) -> dict[str, list[str]]:
    if conn.execute("SELECT to_regclass('django_migrations')").fetchone()[0] is None:
        return {}
    return _migrations(conn.execute("SELECT app, name FROM django_migrations").fetchall())


def sqlite_migrations(conn: sqlite3.Connection) -> dict[str, list[str]]:
    if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'django_migrations'").fetchone():
        return {}
    return _migrations(conn.execute("SELECT app, name FROM django_migrations").fetchall())


def state_of(db: Database) -> tuple[dict[str, dict[str, Any]], dict[str, list[str]]]:
    """The tables (counts and checksums) and the applied migrations of a database as it is."""
    if db.vendor == "postgresql":
        with db.pg_connect(autocommit=True) as conn:
            return pg_tables(conn), pg_migrations(conn)
    conn = db.sqlite_connect()
    try:
        return sqlite_tables(conn), sqlite_migrations(conn)
    finally:
        conn.close()


def table_names(db: Database) -> list[str]:
    """The tables the database already has (a restore refuses a non-empty target)."""
    if db.vendor == "postgresql":
        with db.pg_connect(autocommit=True) as conn:
            return [f"{s}.{t}" for s, t in conn.execute(
                "SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n"
                " ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p', 'v', 'm')"
                " AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%'"
                " ORDER BY 1, 2").fetchall()]
    if not Path(db.name).exists():
        return []
    conn = db.sqlite_connect()
    try:
        return [row[0].decode() for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') ORDER BY name")]
    finally:
        conn.close()


# Backup ---------------------------------------------------------------------------------------


def app_version() -> str:
    try:
        return importlib.metadata.version("registrar")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def _tool(name: str) -> str:
    found = shutil.which(name) or (f"/usr/bin/{name}" if Path(f"/usr/bin/{name}").exists()
                                   else None)
    if found is None:
        raise OperationsError(f"{name} is not installed (Debian: apt-get install "
                              "postgresql-client).")
    return found


def _run(args: list[str], env: dict[str, str] | None = None) -> str:
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise OperationsError(f"{Path(args[0]).name} failed ({done.returncode}): "
                              f"{done.stderr.strip() or done.stdout.strip()}")
    return done.stdout


def _dump_postgresql(db: Database, dump: Path) -> dict[str, Any]:
    """pg_dump -Fc and the manifest's tables, both in one exported snapshot (so a backup taken
    while the portal is in use is consistent: the counts describe exactly what was dumped)."""
    from psycopg import IsolationLevel

    pg_dump = _tool("pg_dump")
    with db.pg_connect() as conn:
        conn.isolation_level = IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
        _run([pg_dump, "--format=custom", f"--snapshot={snapshot}", f"--file={dump}",
              "--dbname", db.name], env=db.pg_env())
        tables, migrations = pg_tables(conn), pg_migrations(conn)
        server = conn.execute("SHOW server_version").fetchone()[0]
        conn.rollback()
    return {"tables": tables, "migrations": migrations, "server_version": server,
            "tool": _run([pg_dump, "--version"]).strip()}


def _dump_sqlite(connection: Any, dump: Path) -> dict[str, Any]:
    """The online backup API copies the live database in one step (a consistent copy even while
    the portal writes); the manifest is then counted on the copy itself."""
    connection.ensure_connection()
    target = sqlite3.connect(dump)
    try:
        connection.connection.backup(target)
    finally:
        target.close()
    copy = Database("sqlite", str(dump))
    tables, migrations = state_of(copy)
    return {"tables": tables, "migrations": migrations,
            "server_version": sqlite3.sqlite_version, "tool": "sqlite3 online backup API"}


def _media_files(root: Path | None) -> Iterator[tuple[Path, str]]:
    if root is None or not root.is_dir():
        return
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            yield path, path.relative_to(root).as_posix()


def create_backup(out_dir: Path, *, connection: Any, media_root: Path | None = None,
                  now: dt.datetime | None = None) -> tuple[Path, dict[str, Any]]:
    """Write one archive into `out_dir` and return its path and manifest. `connection` is the
    Django connection of the database to save. The archive appears under its final name only
    when it is complete."""
    db = Database.from_settings(connection.settings_dict)
    now = now or dt.datetime.now(dt.UTC)
    out_dir.mkdir(parents=True, exist_ok=True)
    label = re.sub(r"[^A-Za-z0-9_.-]+", "-", Path(db.name).stem if db.vendor == "sqlite"
                   else db.name).strip("-.") or "database"
    stem = f"registrar-{label}-{now.strftime('%Y%m%dT%H%M%SZ')}"
    suffix = ".tar" if db.vendor == "postgresql" else ".tar.gz"
    archive = out_dir / f"{stem}{suffix}"
    with tempfile.TemporaryDirectory(dir=out_dir, prefix=".backup-") as work:
        dump = Path(work) / DUMP_NAME[db.vendor]
        if db.vendor == "postgresql":
            saved = _dump_postgresql(db, dump)
        else:
            saved = _dump_sqlite(connection, dump)
        media = {rel: {"sha256": _sha256_file(path), "bytes": path.stat().st_size}
                 for path, rel in _media_files(media_root)}
        manifest = {
            "format": FORMAT,
            "created_at": now.isoformat(timespec="seconds"),
            "app": {"name": "registrar", "version": app_version()},
            "database": {"vendor": db.vendor, "name": db.name,
                         "server_version": saved["server_version"]},
            "dump": {"file": dump.name, "sha256": _sha256_file(dump),
                     "bytes": dump.stat().st_size, "tool": saved["tool"]},
            "checksum_method": CHECKSUM_METHOD[db.vendor],
            "migrations": saved["migrations"],
            "tables": saved["tables"],
            "media": media,
        }
        partial = Path(work) / archive.name
        with tarfile.open(partial, "w:gz" if suffix == ".tar.gz" else "w") as tar:
            _add_bytes(tar, MANIFEST, json.dumps(manifest, indent=2, ensure_ascii=False).encode())
            tar.add(dump, arcname=dump.name)
            for path, rel in _media_files(media_root):
                if rel in media:
                    tar.add(path, arcname=MEDIA_PREFIX + rel)
        os.chmod(partial, 0o600)  # personal data: readable by the backup's owner only
        os.replace(partial, archive)
    return archive, manifest


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(dt.datetime.now(dt.UTC).timestamp())
    info.mode = 0o600
    tar.addfile(info, io.BytesIO(data))


# Restore --------------------------------------------------------------------------------------


@dataclasses.dataclass
class Verification:
    """What a restore found: one line per table, and the problems (empty when all is equal)."""

    manifest: dict[str, Any]
    lines: list[str] = dataclasses.field(default_factory=list)
    problems: list[str] = dataclasses.field(default_factory=list)
    tables: int = 0
    rows: int = 0
    restored: bool = False

    @property
    def ok(self) -> bool:
        return self.restored and not self.problems


def read_manifest(archive: Path) -> dict[str, Any]:
    with tarfile.open(archive, "r:*") as tar:
        return _manifest_of(tar)


def _manifest_of(tar: tarfile.TarFile) -> dict[str, Any]:
    try:
        handle = tar.extractfile(MANIFEST)
    except KeyError:
        raise OperationsError("The archive has no manifest.json: not a Registrar backup.") from None
    if handle is None:
        raise OperationsError("The archive's manifest.json is not a file.")
    try:
        manifest = json.load(handle)
    except ValueError as exc:
        raise OperationsError(f"The archive's manifest.json is not JSON: {exc}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise OperationsError(f"Unknown backup format {manifest.get('format')!r}; this version "
                              f"reads format {FORMAT}.")
    for key in ("database", "dump", "tables", "migrations"):
        if not isinstance(manifest.get(key), dict):
            raise OperationsError(f"The archive's manifest has no valid “{key}”.")
    return manifest


def _copy_member(handle: IO[bytes], path: Path) -> str:
    digest = hashlib.sha256()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as out:
        while block := handle.read(CHUNK):
            digest.update(block)
            out.write(block)
    return digest.hexdigest()


def _media_member_path(root: Path, name: str) -> Path:
    rel = PurePosixPath(name[len(MEDIA_PREFIX):])
    if rel.is_absolute() or ".." in rel.parts or not rel.parts:
        raise OperationsError(f"The archive holds an unsafe path: {name}")
    return root.joinpath(*rel.parts)


def restore_backup(archive: Path, target: Database, *, force: bool = False,
                   media_root: Path | None = None) -> Verification:
    """Restore the archive into `target` and verify it against the manifest.

    Raises OperationsError before touching anything when the archive is unreadable or its dump
    does not match the manifest's digest, or when the target already holds tables (and `force`
    is not given). After restoring, the returned `Verification` compares every table."""
    with tarfile.open(archive, "r:*") as tar, \
            tempfile.TemporaryDirectory(prefix="registrar-restore-") as work:
        manifest = _manifest_of(tar)
        vendor = manifest["database"].get("vendor")
        if vendor != target.vendor:
            raise OperationsError(f"This is a {vendor} backup; it restores into {vendor} only, "
                                  f"not into {target.vendor}.")
        report = Verification(manifest)
        dump_name = str(manifest["dump"].get("file", ""))
        if dump_name != DUMP_NAME[vendor]:
            raise OperationsError(f"Unexpected dump file name {dump_name!r} in the manifest.")
        try:
            member = tar.extractfile(dump_name)
        except KeyError:
            raise OperationsError(f"The archive has no {dump_name}.") from None
        if member is None:
            raise OperationsError(f"The archive's {dump_name} is not a file.")
        dump = Path(work) / dump_name
        digest = _copy_member(member, dump)
        if digest != manifest["dump"].get("sha256"):
            raise OperationsError(
                f"The dump file does not match the manifest (SHA-256 {digest}, the manifest "
                f"says {manifest['dump'].get('sha256')}): the archive was changed or damaged; "
                "nothing was restored.")
        report.lines.append(f"dump file {dump_name}: SHA-256 matches the manifest")

        existing = table_names(target)
        if existing and not force:
            raise OperationsError(
                f"The target database {target.name} is not empty ({len(existing)} tables, e.g. "
                f"{existing[0]}); restore into a fresh database, or give --force to replace it.")
        media = manifest.get("media") or {}
        if media and media_root is None:
            raise OperationsError("The archive holds media files: give the media folder.")
        if media and media_root is not None and any(_media_files(media_root)) and not force:
            raise OperationsError(f"The media folder {media_root} is not empty; give --force to "
                                  "overwrite it.")

        if vendor == "postgresql":
            _restore_postgresql(dump, target, replace=bool(existing))
        else:
            _restore_sqlite(dump, target)
        report.restored = True

        if media and media_root is not None:
            _restore_media(tar, media, media_root, report)
    _verify_database(target, manifest, report)
    return report


def _restore_postgresql(dump: Path, target: Database, *, replace: bool) -> None:
    pg_restore = _tool("pg_restore")
    if replace:
        with target.pg_connect(autocommit=True) as conn:
            conn.execute("DROP SCHEMA IF EXISTS public CASCADE")
            conn.execute("CREATE SCHEMA public")
    # One transaction: a failed restore leaves the target as it was.
    _run([pg_restore, "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
          "--dbname", target.name, str(dump)], env=target.pg_env())


def _restore_sqlite(dump: Path, target: Database) -> None:
    source = sqlite3.connect(dump)
    try:
        check = source.execute("PRAGMA integrity_check").fetchone()[0]
        if check != "ok":
            raise OperationsError(f"The SQLite copy in the archive is damaged: {check}")
        Path(target.name).parent.mkdir(parents=True, exist_ok=True)
        destination = target.sqlite_connect()
        try:
            source.backup(destination)
        finally:
            destination.close()
    finally:
        source.close()


def _restore_media(tar: tarfile.TarFile, media: dict[str, Any], root: Path,
                   report: Verification) -> None:
    wrong = 0
    for rel, expected in sorted(media.items()):
        name = MEDIA_PREFIX + rel
        path = _media_member_path(root, name)
        try:
            handle = tar.extractfile(name)
        except KeyError:
            handle = None
        if handle is None:
            report.problems.append(f"media {rel}: missing from the archive")
            wrong += 1
            continue
        if _copy_member(handle, path) != expected.get("sha256"):
            report.problems.append(f"media {rel}: content differs from the manifest")
            wrong += 1
    report.lines.append(f"media: {len(media) - wrong} of {len(media)} files restored and equal")


def _verify_database(target: Database, manifest: dict[str, Any], report: Verification) -> None:
    tables, migrations = state_of(target)
    expected: dict[str, Any] = manifest["tables"]
    for name in sorted(set(expected) | set(tables)):
        want, got = expected.get(name), tables.get(name)
        if want is None:
            report.problems.append(f"table {name}: restored but not in the manifest")
            continue
        if got is None:
            report.problems.append(f"table {name}: in the manifest but not restored")
            continue
        report.tables += 1
        report.rows += got["rows"]
        if got["rows"] != want.get("rows"):
            report.problems.append(f"table {name}: {got['rows']} rows restored, the manifest "
                                   f"says {want.get('rows')}")
        elif got["checksum"] != want.get("checksum"):
            report.problems.append(f"table {name}: {got['rows']} rows, but their content "
                                   "differs from the manifest (checksum)")
        else:
            report.lines.append(f"table {name}: {got['rows']} rows, checksum equal")
    if migrations != manifest["migrations"]:
        report.problems.append("applied migrations differ from the manifest")
    else:
        count = sum(len(names) for names in migrations.values())
        report.lines.append(f"migrations: {count} applied, as in the manifest")
