"""manage.py backup --out DIR: one archive with the database dump, a manifest and the media.

    manage.py backup --out /var/backups/registrar

PostgreSQL is dumped with `pg_dump -Fc` in the snapshot the manifest's row counts and checksums
are computed in; SQLite is copied with the online backup API. See registrar/operations/backup.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections

from registrar.operations.backup import OperationsError, create_backup


class Command(BaseCommand):
    help = ("Back up the database (pg_dump -Fc on PostgreSQL, the online backup API on SQLite) "
            "and the media folder into one archive with a manifest of row counts and checksums.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True, help="the folder to write the archive into")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS,
                            help="the settings' database alias to back up (default: default)")
        parser.add_argument("--no-media", action="store_true",
                            help="leave the media folder out of the archive")

    def handle(self, *args: Any, out: str, database: str, no_media: bool,
               **options: Any) -> None:
        media_root = None if no_media else Path(settings.MEDIA_ROOT)
        try:
            archive, manifest = create_backup(Path(out), connection=connections[database],
                                              media_root=media_root)
        except OperationsError as exc:
            raise CommandError(str(exc)) from None
        tables = manifest["tables"]
        rows = sum(t["rows"] for t in tables.values())
        if options["verbosity"] > 0:
            self.stdout.write(
                f"{archive}\n  {len(tables)} tables, {rows} rows, {len(manifest['media'])} media "
                f"files, {archive.stat().st_size} bytes; registrar {manifest['app']['version']}, "
                f"{manifest['database']['vendor']} {manifest['database']['server_version']}")
