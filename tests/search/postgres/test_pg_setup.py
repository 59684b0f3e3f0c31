"""The PostgreSQL engine on another database: a clear configuration error, never a 500 later."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection


@pytest.mark.django_db
def test_the_engine_refuses_a_database_that_is_not_postgresql(settings):
    if connection.vendor == "postgresql":
        pytest.skip("runs where the archive is on another database")
    from search.backends import get_backend

    settings.DOSSIER_SEARCH_BACKEND = "postgres"
    with pytest.raises(ImproperlyConfigured, match="needs the archive on PostgreSQL"):
        get_backend()
