"""The archive on PostgreSQL: a cluster under ``<archive>/pg``, filled once and reused.

The parent starts the cluster (``tests.pg.PostgresServer``: initdb on first use, then only
pg_ctl start), copies the archive's SQLite database into it with ``manage.py move_archive``
and builds the PostgreSQL engine's documents in a worker whose environment points Django at
the cluster (``DATABASE_URL``, ``DOSSIER_SEARCH_BACKEND=postgres``). ``stamp.json`` records
the copy under ``"pg"``, keyed by the corpus version and the articles copied, so a later run
only starts the server. The cluster is stopped (kept on disk) when the run is done.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings

from search.bench import build

DATABASE = "dossier"
SECRET = "bench-only-secret-key-not-for-serving-anything-0123456789"
Log = Callable[[str], None]


def environment(url: str) -> dict[str, str]:
    """What a child process needs to run Dossier on the cluster with the PostgreSQL engine."""
    return {"DATABASE_URL": url, "DOSSIER_SEARCH_BACKEND": "postgres",
            "DJANGO_SECRET_KEY": SECRET, "DATABASE_CONN_MAX_AGE": "600"}


@contextmanager
def running(root: Path):
    """The archive's cluster, started for the block and stopped (not removed) after it."""
    from tests.pg import PostgresServer

    (root / "pg").mkdir(exist_ok=True)
    server = PostgresServer(root=root / "pg")
    try:
        server.start()
    except RuntimeError:
        if server.run("pg_ctl", "-D", str(server.data), "status", check=False).returncode == 0:
            raise RuntimeError(f"The benchmark cluster in {server.root} is already running: "
                               "another bench run is using it; wait for it to finish.") from None
        # A cluster left broken by a killed run: build it anew (prepare() refills it).
        server.stop(remove=True)
        (root / "pg").mkdir()
        server = PostgresServer(root=root / "pg").start()
    try:
        yield server
    finally:
        server.stop(remove=False)


def _has_database(server) -> bool:
    return server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}'") == "1"


def copy_archive(server, root: Path) -> dict:
    """An empty database filled from the archive's SQLite file by ``move_archive``, timed."""
    if _has_database(server):
        server.psql(f'DROP DATABASE "{DATABASE}" WITH (FORCE)')
    url = server.create_database(DATABASE)
    started = time.perf_counter()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DOSSIER_SEARCH_BACKEND")}
    subprocess.run([sys.executable, str(settings.BASE_DIR / "manage.py"), "move_archive", url,
                    "--no-progress"], env={**env, "DOSSIER_DATA_DIR": str(root),
                                           "DJANGO_LOG_LEVEL": "WARNING"},
                   cwd=settings.BASE_DIR, check=True)
    return {"move_seconds": round(time.perf_counter() - started, 1)}


def prepare(server, root: Path, label: str, options, log: Log, run_worker) -> dict:
    """The cluster's database and engine documents for this archive, built when missing."""
    stamp = build.read_stamp(root)
    wanted = {"version": stamp.get("version"), "articles": stamp.get("db", {}).get("articles")}
    cached = stamp.get("pg")
    if (cached and not options.force and not options.reindex and _has_database(server)
            and all(cached.get(k) == v for k, v in wanted.items())):
        return {**cached, "cached": True}
    log(f"{label}: copying the archive into PostgreSQL (move_archive) ...")
    figures = copy_archive(server, root)
    log(f"{label}: building the PostgreSQL engine's documents ...")
    env = environment(server.url(DATABASE))
    figures.update(run_worker(root, "build-pg", label, options, env=env))
    figures.update(wanted)
    stamp = build.read_stamp(root)
    stamp["pg"] = figures
    build.write_stamp(root, stamp)
    log(f"{label}: PostgreSQL ready: {figures}")
    return {**figures, "cached": False}


def database_mb() -> dict:
    """Sizes in the current (PostgreSQL) database: all of it, and the engine's tables."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database()), "
                       "coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
                       "WHERE c.relkind = 'r' AND c.relname LIKE 'search\\_pg\\_%%'")
        whole, engine = cursor.fetchone()
    return {"database_mb": round(int(whole) / 2**20, 1), "engine_mb": round(int(engine) / 2**20, 1)}


def available() -> bool:
    """Whether PostgreSQL's server programs are here (or root could install them)."""
    from tests.pg import bindir

    return bindir() is not None or (os.geteuid() == 0 and shutil.which("apt-get") is not None)
