"""manage.py restore ARCHIVE [--database-url URL] [--force]: restore a backup and verify it.

The target (the settings' database unless --database-url names another) must have no tables
unless --force is given. After restoring, every table's row count and checksum are recomputed
and compared with the archive's manifest; any difference is printed and the command exits 1.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.loader import MigrationLoader

from registrar.operations.backup import Database, OperationsError, restore_backup


class Command(BaseCommand):
    help = ("Restore a backup archive into an empty database (and the media folder), then verify "
            "every table's row count and checksum against the archive's manifest.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", help="an archive written by manage.py backup")
        parser.add_argument("--database-url",
                            help="the database to restore into (default: the settings' database)")
        parser.add_argument("--media-root",
                            help="where to restore media files (default: MEDIA_ROOT)")
        parser.add_argument("--force", action="store_true",
                            help="replace a target database (and media folder) that is not empty")

    def handle(self, *args: Any, archive: str, database_url: str | None,
               media_root: str | None, force: bool, **options: Any) -> None:
        verbose = options["verbosity"] > 1
        try:
            if database_url:
                target = Database.from_url(database_url)
            else:
                target = Database.from_settings(connections[DEFAULT_DB_ALIAS].settings_dict)
        except OperationsError as exc:
            raise CommandError(str(exc)) from None
        # Our own connection may point at the target: close it before the target is replaced.
        for connection in connections.all(initialized_only=True):
            if Database.from_settings(connection.settings_dict) == target:
                connection.close()
        try:
            report = restore_backup(Path(archive), target, force=force,
                                    media_root=Path(media_root or settings.MEDIA_ROOT))
        except OperationsError as exc:
            raise CommandError(str(exc)) from None
        made = report.manifest
        self.stdout.write(f"Restored {archive} (registrar {made['app'].get('version')}, "
                          f"{made['database']['vendor']}, made {made.get('created_at')}) "
                          f"into {target.name}.")
        self.stdout.write("Verification:")
        for line in report.lines:
            if verbose or not line.startswith("table "):
                self.stdout.write(f"  ok        {line}")
        for problem in report.problems:
            self.stdout.write(self.style.ERROR(f"  MISMATCH  {problem}"))
        self._note_migrations(made.get("migrations") or {})
        if report.problems:
            raise CommandError(f"Verification failed: {len(report.problems)} difference(s) "
                               "between the restored database and the manifest.")
        self.stdout.write(self.style.SUCCESS(
            f"Verified: {report.tables} tables, {report.rows} rows; counts and checksums equal "
            "to the manifest."))

    def _note_migrations(self, applied: dict[str, list[str]]) -> None:
        """Say when the code has migrations the backup's database had not applied."""
        try:
            on_disk = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
        except Exception:  # noqa: BLE001 - only a note
            return
        done = {(app, name) for app, names in applied.items() for name in names}
        missing = sorted(on_disk - done)
        if missing:
            self.stdout.write(f"  note      {len(missing)} migration(s) of this code are not in "
                              "the backup (made by an older version): run manage.py migrate.")
