"""Shared fixtures (the data directory itself is set in the root conftest.py)."""

import pytest


@pytest.fixture
def seeded(db):
    """The seed collection, loaded the way `make run` loads it."""
    from django.core.management import call_command

    call_command("load_seed_collection", verbosity=0)
