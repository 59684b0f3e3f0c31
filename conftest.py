"""pytest bootstrap: every test process gets its own data directory, so no test touches var/
and no two xdist workers share a database, index or static root.

This lives at the root because it must run before pytest-django reads the settings. An xdist
worker inherits the environment of the process that started it, DJANGO_SETTINGS_MODULE
included, so its pytest-django reads the settings before this file runs there: the worker's
directory is put into its environment by `pytest_xdist_setupnodes`, before it starts.
"""

import atexit
import os
import tempfile

import pytest

if worker := os.environ.get("PYTEST_XDIST_WORKER"):
    if f"dossier-test-{worker}-" not in os.environ.get("DOSSIER_DATA_DIR", ""):
        raise RuntimeError(f"xdist worker {worker} started without a data directory of its own")
else:
    os.environ["DOSSIER_DATA_DIR"] = tempfile.mkdtemp(prefix="dossier-test-")
if os.environ.get("DOSSIER_TEST_DATABASE") == "postgres" and not worker:
    # One throwaway server for the whole run; each xdist worker inherits DATABASE_URL and gets
    # its own test database on it (pytest-django names them test_dossier_gw0, ...).
    from tests.pg import PostgresServer

    _postgres = PostgresServer().start()
    atexit.register(_postgres.stop)
    os.environ["DATABASE_URL"] = _postgres.url("dossier")
os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-" + "x" * 50)
os.environ["DJANGO_SECURE"] = "0"
os.environ["DJANGO_SETTINGS_MODULE"] = "archive.settings"


def pytest_configure():
    """Set Django up before test modules import models (pytest-django saw no settings yet)."""
    import django

    django.setup()


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_setupnodes(config, specs):
    """Give each xdist worker a data directory of its own, in its environment from the start."""
    for spec in specs:
        spec.env["DOSSIER_DATA_DIR"] = tempfile.mkdtemp(prefix=f"dossier-test-{spec.id}-")
