"""Benchmarks of Dossier's search against the naive Whoosh way, SQLite FTS5 and tantivy (issue 5).

``manage.py bench`` (``make bench``) builds cached benchmark archives under ``var/bench/`` and
measures them; ``--smoke`` is the small version CI runs; ``--profile CLASS`` profiles one
query class. Nothing here is imported by the running site.
"""
