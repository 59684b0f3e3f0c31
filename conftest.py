"""pytest bootstrap: every test run gets its own data directory, so no test touches var/.

This lives at the root because it must run before pytest-django reads the settings.
"""

import os
import tempfile

os.environ["DOSSIER_DATA_DIR"] = tempfile.mkdtemp(prefix="dossier-test-")
os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-" + "x" * 50)
os.environ["DJANGO_SECURE"] = "0"
os.environ["DJANGO_SETTINGS_MODULE"] = "archive.settings"


def pytest_configure():
    """Set Django up before test modules import models (pytest-django saw no settings yet)."""
    import django

    django.setup()
