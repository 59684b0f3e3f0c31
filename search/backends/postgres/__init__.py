"""The PostgreSQL full-text engine (``DOSSIER_SEARCH_BACKEND=postgres``), for an archive that
runs on PostgreSQL beyond one machine.

This package is also the Django app that owns the engine's tables (label ``search_postgres``),
installed only when the database is PostgreSQL; the engine itself is ``backend.PostgresBackend``.
"""
