"""Backup and restore when the archive's database is PostgreSQL: its own tools, pg_dump and
pg_restore, driven by ``manage.py backup`` and ``restore`` with the same promises as on SQLite.

pg_dump reads the whole database inside one repeatable-read transaction, so a dump is the
archive as of one instant while the server serves and writes; the custom format holds every
table (captures are rows) compressed. A dump is written under a hidden name, checked by
pg_restore's own reading of its table of contents, and only then given its name. A restore
runs pg_restore in one transaction (``--single-transaction``): if anything fails, the
database is exactly as it was. The search documents are rebuilt afterwards by ``restore``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from django.conf import settings

CLIENT_HINT = "install PostgreSQL's client programs: sudo apt-get install postgresql-client-15"
# The tables without which a dump is not Dossier's (pg_restore --list names their data).
REQUIRED_DATA = ("archive_article", "archive_capture", "auth_user", "django_migrations")


class DumpError(Exception):
    """pg_dump or pg_restore failed, or the file is not a dump of a Dossier database."""


def is_postgres() -> bool:
    return settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


def program(name: str) -> str:
    """pg_dump or pg_restore: on PATH, or in Debian's versioned directory (newest first)."""
    found = shutil.which(name)
    if not found:
        candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True)
        found = str(candidates[0]) if candidates else None
    if not found:
        raise DumpError(f"{name} is not installed: {CLIENT_HINT}")
    return found


def client_env() -> dict[str, str]:
    """libpq's environment for the configured database, so no password is on a command line."""
    db = settings.DATABASES["default"]
    pairs = {"PGHOST": db.get("HOST"), "PGPORT": db.get("PORT"), "PGUSER": db.get("USER"),
             "PGPASSWORD": db.get("PASSWORD"), "PGDATABASE": db.get("NAME")}
    return {**os.environ, **{key: str(value) for key, value in pairs.items() if value}}


def run(name: str, *args: str) -> subprocess.CompletedProcess:
    done = subprocess.run([program(name), *args], env=client_env(), capture_output=True, text=True)
    if done.returncode:
        raise DumpError(f"{name} failed: {done.stderr.strip() or done.stdout.strip()}")
    return done


def dump(partial: Path) -> None:
    run("pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={partial}")


def check(path: Path) -> int:
    """Raise DumpError unless pg_restore can read ``path`` as a dump of Dossier's tables;
    returns how many tables' data it holds."""
    try:
        listing = run("pg_restore", "--list", str(path)).stdout
    except DumpError as error:
        raise DumpError(f"it is not a pg_dump archive pg_restore can read ({error})") from error
    # "3350; 0 16409 TABLE DATA public archive_article dossier": schema, table, owner.
    tables = {line.split(" TABLE DATA ", 1)[1].split()[1] for line in listing.splitlines()
              if " TABLE DATA " in line}
    if missing := [t for t in REQUIRED_DATA if t not in tables]:
        raise DumpError(f"it is a pg_dump archive but not of Dossier's database (no {', '.join(missing)})")
    return len(tables)


def restore(path: Path) -> None:
    """Replace every Dossier table with the dump's, in one transaction."""
    run("pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges",
        "--single-transaction", "--exit-on-error", f"--dbname={settings.DATABASES['default']['NAME']}",
        str(path))
