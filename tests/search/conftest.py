"""Search fixtures (the per-test index directory lives in tests/conftest.py)."""

import pytest


@pytest.fixture
def seeded_index(seeded, index_dir):
    """The seed collection, loaded and indexed the way `make setup` does it."""
    from django.core.management import call_command

    call_command("sync_index", verbosity=0)
    return index_dir
