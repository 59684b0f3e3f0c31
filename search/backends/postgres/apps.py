from django.apps import AppConfig


class PostgresSearchConfig(AppConfig):
    """The tables of the PostgreSQL engine: documents, paragraphs, words and a version."""

    name = "search.backends.postgres"
    label = "search_postgres"
    verbose_name = "Search (PostgreSQL engine)"
    default_auto_field = "django.db.models.BigAutoField"
