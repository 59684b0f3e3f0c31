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


def post_worker_init(worker):
    """Open this worker's index searcher before its first request: no request opens it cold."""
    try:
        from search.indexing import get_searcher

        get_searcher()
    except Exception:  # a broken index must not stop the site from serving browse pages
        worker.log.exception("Could not open the search index at start-up")
