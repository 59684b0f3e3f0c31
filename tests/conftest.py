"""Shared fixtures (the data directory itself is set in the root conftest.py)."""

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


@pytest.fixture(autouse=True)
def index_dir(settings, tmp_path):
    """Each test gets its own Whoosh index directory and a fresh per-process searcher."""
    from django.core.cache import cache

    from search import indexing

    settings.DOSSIER_INDEX_DIR = tmp_path / "index"
    indexing.reset_searchers()
    cache.clear()
    yield settings.DOSSIER_INDEX_DIR
    indexing.reset_searchers()
