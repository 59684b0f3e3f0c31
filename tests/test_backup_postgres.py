"""On PostgreSQL, `manage.py backup` and `restore` (which copy SQLite files) refuse clearly and
name the database's own tools, pg_dump and pg_restore, the README's "Beyond one machine"
section shows; they never half-run and never print a traceback."""

import subprocess

import pytest

from tests.live import LiveServer
from tests.pg import PostgresServer


@pytest.fixture(scope="module")
def archive():
    with PostgresServer() as pg, LiveServer(database_url=pg.create_database("dossier")) as live:
        live.manage("migrate", "--noinput")
        yield live


@pytest.mark.parametrize("command, tools", [
    (["backup"], "pg_dump and pg_restore"),
    (["restore", "manage.py"], "pg_dump and pg_restore"),
])
def test_backup_and_restore_name_postgresql_tools(archive, command, tools):
    done = archive.manage(*command, check=False)
    assert done.returncode == 1, done
    assert "runs on postgresql" in done.stderr and tools in done.stderr
    assert "Traceback" not in done.stderr


def test_pg_dump_of_the_archive_restores_with_pg_restore(archive, tmp_path):
    """The commands the README gives, run for real: a custom-format dump restores into an
    empty database with every article."""
    url = archive.env["DATABASE_URL"]
    archive.manage("load_seed_collection")
    dump = tmp_path / "dossier.dump"
    subprocess.run(["pg_dump", "--format=custom", "--no-owner", f"--file={dump}", url], check=True)
    copy = url.rsplit("/", 1)[0] + "/restored"
    subprocess.run(["psql", "-X", "-q", "-d", url, "-c", "CREATE DATABASE restored"], check=True)
    subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={copy}", str(dump)], check=True)
    count = "SELECT count(*) FROM archive_article"
    counts = [subprocess.run(["psql", "-X", "-At", "-d", u, "-c", count], check=True, capture_output=True,
                             text=True).stdout.strip() for u in (url, copy)]
    assert counts[0] == counts[1] and int(counts[0]) >= 5
