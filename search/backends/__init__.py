"""The search engine behind ``search/``, chosen by ``DOSSIER_SEARCH_BACKEND``.

An engine is a class implementing ``search.backends.base.SearchBackend``; the setting names it
by a short name from ``ENGINES`` or by a dotted path, so a new engine needs no change here.
"""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from search.backends.base import SearchBackend

ENGINES = {"whoosh": "search.backends.whoosh.WhooshBackend",
           "postgres": "search.backends.postgres.backend.PostgresBackend"}


@lru_cache(maxsize=4)
def _load(path: str) -> SearchBackend:
    try:
        engine = import_string(ENGINES.get(path, path))
    except ImportError as error:
        raise ImproperlyConfigured(
            f"DOSSIER_SEARCH_BACKEND={path!r} is not a search engine: use one of "
            f"{', '.join(ENGINES)} or the dotted path of a SearchBackend class ({error}).") from error
    return engine()


def get_backend() -> SearchBackend:
    """The configured engine (one instance per process)."""
    return _load(settings.DOSSIER_SEARCH_BACKEND)
