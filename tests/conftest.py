"""Shared fixtures (the data directory itself is set in the root conftest.py)."""

import os

import pytest


@pytest.fixture
def seeded(db):
    """The seed collection, loaded the way `make run` loads it."""
    from django.core.management import call_command

    call_command("load_seed_collection", verbosity=0)


@pytest.fixture(autouse=True)
def plain_static_storage(settings):
    """Tests render templates without running collectstatic first."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.WHITENOISE_AUTOREFRESH = True


# Every engine behind search.backends runs the whole suite. Which engines this run uses comes
# from DOSSIER_TEST_SEARCH_BACKENDS (comma-separated; `make test` names them per database).
SEARCH_BACKENDS = os.environ.get("DOSSIER_TEST_SEARCH_BACKENDS", "whoosh").split(",")


@pytest.fixture(autouse=True, params=SEARCH_BACKENDS)
def search_backend(request, settings):
    """The engine this run of the test uses; tests marked ``engine("whoosh")`` test one
    engine's own parts (its files, its ranking) and run only on it."""
    wanted = request.node.get_closest_marker("engine")
    if wanted and request.param not in wanted.args:
        pytest.skip(f"tests {', '.join(wanted.args)}'s own parts, not {request.param}'s")
    settings.DOSSIER_SEARCH_BACKEND = request.param
    from search.backends import get_backend

    return get_backend()


@pytest.fixture(autouse=True)
def index_dir(settings, tmp_path, search_backend):
    """Each test gets its own index directory and a fresh per-process reader."""
    from django.core.cache import cache

    settings.DOSSIER_INDEX_DIR = tmp_path / "index"
    search_backend.reset()
    cache.clear()
    yield settings.DOSSIER_INDEX_DIR
    search_backend.reset()
