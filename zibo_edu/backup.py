"""Backups: the database (pg_dump's custom format on PostgreSQL, SQLite's online backup API on
SQLite: both a consistent snapshot while the app runs), the media files (MEDIA_ROOT: ledger
attachments), and manifest.json with every table's row count in that snapshot and every file's
sha256. `manage.py backup DIR` writes one, `manage.py restore DIR --yes` checks and restores it.
Knows no app: what must be recomputed after a restore is another app's command, called by name.
"""

import datetime
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction

MANIFEST = "manifest.json"
MEDIA = "media"
DUMPS = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}


class BackupError(Exception):
    """A backup that cannot be written or restored; the message says why."""


def engine() -> str:
    vendor = connection.vendor
    if vendor not in DUMPS:
        raise BackupError(f"backups support PostgreSQL and SQLite, not {vendor}")
    return vendor


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def table_counts(cursor, tables: list[str]) -> dict[str, int]:
    counts = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
        counts[table] = cursor.fetchone()[0]
    return counts


def _pg_environment() -> tuple[list[str], dict[str, str]]:
    """pg_dump's and pg_restore's connection options, from Django's own settings."""
    db = connection.settings_dict
    options = ["--dbname", db["NAME"]]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if db.get(key):
            options += [flag, str(db[key])]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return options, env


def _run(command: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[-2000:]}")


def _dump_database(target: Path) -> dict[str, int]:
    """Write the database to `target`; the row counts of the same snapshot."""
    if engine() == "sqlite":
        connection.ensure_connection()
        copy = sqlite3.connect(target)
        try:
            connection.connection.backup(copy)
            tables = [row[0] for row in copy.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )]  # fmt: skip
            return table_counts(copy.cursor(), tables)
        finally:
            copy.close()
    options, env = _pg_environment()
    with transaction.atomic(), connection.cursor() as cursor:
        # pg_dump reads the snapshot this transaction exported: the counts are the dump's.
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        _run(["pg_dump", "-Fc", "--no-owner", f"--snapshot={snapshot}", "-f", str(target),
              *options], env)  # fmt: skip
        return table_counts(cursor, connection.introspection.table_names(cursor))


def _media_root() -> Path | None:
    if settings.STORAGES["default"]["BACKEND"] != "django.core.files.storage.FileSystemStorage":
        return None  # an S3 bucket: versioned and backed up by its own store
    return Path(settings.MEDIA_ROOT)


def write_backup(output: Path) -> dict:
    if output.exists() and any(output.iterdir()):
        raise BackupError(f"{output} is not empty: a backup goes into a new folder")
    output.mkdir(parents=True, exist_ok=True)
    kind = engine()
    counts = _dump_database(output / DUMPS[kind])
    media = _media_root()
    if media is not None and media.is_dir():
        shutil.copytree(media, output / MEDIA)
    files = {
        path.relative_to(output).as_posix(): sha256(path)
        for path in sorted(output.rglob("*"))
        if path.is_file() and path.name != MANIFEST
    }
    manifest = {
        "format": 1,
        "created": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "engine": kind,
        "database": DUMPS[kind],
        "media": media is not None,
        "tables": counts,
        "files": files,
    }
    (output / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    return manifest


def read_manifest(source: Path) -> dict:
    """The backup's manifest, once every file it lists is there with its checksum."""
    try:
        manifest = json.loads((source / MANIFEST).read_text(encoding="utf-8"))
        files, kind = manifest["files"], manifest["engine"]
        manifest["tables"], manifest["database"]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise BackupError(f"{source / MANIFEST} is missing or unreadable: {error}") from None
    if kind != engine():
        raise BackupError(f"this backup is of {kind}; the database here is {engine()}")
    for name, checksum in files.items():
        path = source / name
        if ".." in Path(name).parts or not path.is_file():
            raise BackupError(f"{name} is listed in the manifest but missing")
        if sha256(path) != checksum:
            raise BackupError(f"{name} does not match its checksum: the backup is damaged")
    return manifest


def database_tables() -> list[str]:
    with connection.cursor() as cursor:
        return connection.introspection.table_names(cursor)


def restore_backup(source: Path, manifest: dict, *, force: bool) -> Path | None:
    """Replace the database and the media by the backup's. Refuses a database holding tables
    (or media holding files) unless `force`; then the tables are dropped and the media moved
    aside (its new name is returned). The database is restored in one transaction."""
    media, backed_up_media = _media_root(), source / MEDIA
    tables = database_tables()
    media_in_use = media is not None and media.is_dir() and any(media.iterdir())
    if (tables or media_in_use) and not force:
        raise BackupError(
            f"the database holds {len(tables)} tables"
            + (f" and {media} holds files" if media_in_use else "")
            + ": restore into an empty database, or pass --force to replace them"
        )
    dump = source / manifest["database"]
    if engine() == "sqlite":
        connection.ensure_connection()
        backup = sqlite3.connect(dump)
        try:
            backup.backup(connection.connection)  # replaces every page, atomically
        finally:
            backup.close()
    else:
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f"DROP TABLE IF EXISTS {connection.ops.quote_name(table)} CASCADE")
        connection.close()
        options, env = _pg_environment()
        _run(["pg_restore", "--no-owner", "--clean", "--if-exists", "--single-transaction",
              "--exit-on-error", *options, str(dump)], env)  # fmt: skip
    moved = None
    if media is not None and backed_up_media.is_dir():
        if media_in_use:
            moved = media.with_name(f"{media.name}.before-restore-{datetime.date.today()}")
            media.rename(moved)
        elif media.is_dir():
            media.rmdir()
        shutil.copytree(backed_up_media, media)
    with connection.cursor() as cursor:
        counts = table_counts(cursor, connection.introspection.table_names(cursor))
    if counts != manifest["tables"]:
        differ = sorted(t for t in counts.keys() | manifest["tables"].keys()
                        if counts.get(t) != manifest["tables"].get(t))  # fmt: skip
        raise BackupError(f"restored row counts differ from the manifest: {', '.join(differ)}")
    return moved
