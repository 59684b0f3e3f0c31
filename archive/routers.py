"""Reads from a streaming replica, everything else from the primary (DATABASE_REPLICA_URL).

A replica lags its primary by a moment, which a reader of the archive never notices but an
editor who has just uploaded would: their upload would be missing. So the replica is opt-in
per request: only a request that ``archive.middleware.replica_reads`` judged safe (a GET or
HEAD by a visitor who is not staff, outside the admin, who has not written lately) reads it,
and only until that request writes. Everything else (management commands, the outbox drain,
tests, any read inside a transaction) reads the primary.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"
CACHE_APP = "django_cache"  # the app label of the table behind DOSSIER_CACHE_URL=db://

# "replica" while the current request may read the replica; anything else reads the primary.
_reads: ContextVar[str] = ContextVar("dossier_reads", default=DEFAULT_DB_ALIAS)
# Set when the current request wrote, so its response pins the primary for a while.
_wrote: ContextVar[bool] = ContextVar("dossier_wrote", default=False)


@contextmanager
def replica_reads():
    """Let reads in this block go to the replica until something writes; yields a function
    that says whether anything wrote."""
    reads, wrote = _reads.set(REPLICA), _wrote.set(False)
    try:
        yield _wrote.get
    finally:
        _reads.reset(reads)
        _wrote.reset(wrote)


def read_alias() -> str:
    """The database a raw SQL read should use now, by the router's rules: for code that reads
    through ``connections[...]`` rather than the ORM (a search engine's own queries)."""
    if f"{__name__}.PrimaryReplicaRouter" not in settings.DATABASE_ROUTERS:
        return DEFAULT_DB_ALIAS  # no replica configured
    return PrimaryReplicaRouter().db_for_read(None) or DEFAULT_DB_ALIAS


def use_primary() -> None:
    """Read the primary for the rest of the current request (or block)."""
    _reads.set(DEFAULT_DB_ALIAS)


class PrimaryReplicaRouter:
    """Writes and migrations to the primary; reads to the replica only where allowed. The
    database cache is always the primary's and filling it is not a write of the visitor's:
    a page that misses the cache must not pin its reader to the primary."""

    def db_for_read(self, model, **hints) -> str | None:
        if model is not None and model._meta.app_label == CACHE_APP:
            return DEFAULT_DB_ALIAS
        if hints.get("instance") is not None:
            return None  # a row's related rows come from where the row came from
        if _reads.get() != REPLICA or connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS  # inside a transaction, read what it wrote
        return REPLICA

    def db_for_write(self, model, **hints) -> str:
        if model._meta.app_label == CACHE_APP:
            return DEFAULT_DB_ALIAS
        _wrote.set(True)
        use_primary()
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True  # one database, two copies of it

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool:
        return db == DEFAULT_DB_ALIAS
