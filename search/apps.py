from django.apps import AppConfig
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "Search"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from search import signals  # noqa: F401  (connects the index outbox)

        if settings.DOSSIER_SEARCH_BACKEND == "whoosh":
            # The embedded engine reads Whoosh's private codec: refuse to start on another
            # version rather than serve wrong results.
            from search.backends.whoosh.internals import check_version

            if problem := check_version():
                raise ImproperlyConfigured(problem)
