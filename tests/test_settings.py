import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent


def test_tests_do_not_touch_var():
    assert Path(os.environ["DOSSIER_DATA_DIR"]).resolve() == settings.DATA_DIR
    assert "dossier-test-" in str(settings.DATA_DIR)


def test_check_deploy_is_clean_in_production_settings(tmp_path):
    env = {
        "PATH": os.environ["PATH"],
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "a-real-production-secret-" + "k7Qz9" * 10,
        "DOSSIER_DATA_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_generated_secret_key_is_kept_under_the_data_dir(tmp_path):
    env = {"PATH": os.environ["PATH"], "DOSSIER_DATA_DIR": str(tmp_path)}
    code = "import django; django.setup(); from django.conf import settings as s; print(s.SECRET_KEY)"
    run = [sys.executable, "-c", code]
    env["DJANGO_SETTINGS_MODULE"] = "archive.settings"
    first = subprocess.run(run, cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    second = subprocess.run(run, cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    key_file = tmp_path / "secret_key"
    assert key_file.exists() and oct(key_file.stat().st_mode)[-3:] == "600"
    assert first.stdout == second.stdout
    assert len(first.stdout.strip()) >= 50
