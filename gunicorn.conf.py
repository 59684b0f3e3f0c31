"""gunicorn settings for Dossier; every value can be overridden from the environment."""

import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-") or None  # empty: no access log
wsgi_app = "archive.wsgi:application"
# Preloading shares the imported code between workers; each opens its own index searcher.
preload_app = True


def when_ready(server):
    """Before the first worker starts: rebuild a missing or damaged index from the database
    and apply the index tasks a crash left behind, so nobody has to type anything."""
    from django.db import connections

    from search.backends import get_backend
    from search.outbox import recover

    try:
        server.log.info("Search index: %s", recover())
    except Exception:  # browse pages and uploads work without search; sync_index retries
        server.log.exception("Could not recover the search index at start-up")
    finally:
        get_backend().reset()  # nothing opened here may be shared with the forked workers
        connections.close_all()


def post_worker_init(worker):
    """Open this worker's index searcher and read its tables before the first request, and
    apply what a worker killed mid-request left in the outbox (the master restarts workers
    without when_ready)."""
    from search.backends import get_backend
    from search.outbox import REQUEST_WRITER_TIMEOUT, drain

    try:
        drain(timeout=REQUEST_WRITER_TIMEOUT)
        get_backend().warm_up()
    except Exception:  # a broken index must not stop the site from serving browse pages
        worker.log.exception("Could not open the search index at start-up")
