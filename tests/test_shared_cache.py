"""What several app servers share: the page cache (DOSSIER_CACHE_URL: one per process by
default, or a table in the database, or Redis) and the secret key."""

import json
import os
import pickle
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from archive.settings import cache_settings

ROOT = Path(__file__).resolve().parent.parent
REDIS_HINT = "The shared-cache tests need Redis: run 'sudo apt-get install redis-server'"
DB_CACHE = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache",
                        "LOCATION": "dossier_cache"}}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ensure_redis() -> str:
    """redis-server's path, installing Debian's package first when root may."""
    if not shutil.which("redis-server") and os.geteuid() == 0 and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env, stdout=subprocess.DEVNULL)
        subprocess.run(["apt-get", "install", "-y", "-qq", "redis-server"], check=True, env=env,
                       stdout=subprocess.DEVNULL)
    found = shutil.which("redis-server")
    if not found:
        pytest.fail(REDIS_HINT)
    return found


@pytest.fixture(scope="module")
def redis_url():
    """A throwaway Redis on a free loopback port, nothing written to disk."""
    directory = tempfile.mkdtemp(prefix="dossier-redis-")
    port = free_port()
    server = subprocess.Popen([ensure_redis(), "--port", str(port), "--bind", "127.0.0.1",
                               "--save", "", "--appendonly", "no", "--dir", directory],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 20
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                pytest.fail(f"redis-server did not start on port {port}:\n"
                            f"{server.stdout.read().decode(errors='replace')}")
            time.sleep(0.1)
    yield f"redis://127.0.0.1:{port}/0"
    server.terminate()
    server.wait(10)
    shutil.rmtree(directory, ignore_errors=True)


def run_django(code: str, data_dir: Path, cache_url: str, *args: str) -> subprocess.CompletedProcess:
    """``code`` in a fresh Python process with Dossier set up: another app server."""
    env = {"PATH": os.environ["PATH"], "DOSSIER_DATA_DIR": str(data_dir),
           "DJANGO_SETTINGS_MODULE": "archive.settings", "DJANGO_SECRET_KEY": "shared-" + "k" * 50,
           "DOSSIER_CACHE_URL": cache_url}
    prelude = "import django, json, os, sys; django.setup(); from django.core.cache import cache\n"
    return subprocess.run([sys.executable, "-c", prelude + code, *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_unset_keeps_the_per_process_cache():
    assert cache_settings("") == {"default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    from django.conf import settings

    if "DOSSIER_CACHE_URL" not in os.environ:
        assert settings.CACHES["default"]["BACKEND"].endswith("LocMemCache")


@pytest.mark.parametrize("url", ["db://", "database", " db:// "])
def test_db_url_is_the_database_cache_table(url):
    assert cache_settings(url) == DB_CACHE


@pytest.mark.parametrize("url", ["redis://10.0.0.5:6379/1", "rediss://cache.example:6380/0"])
def test_redis_url_is_djangos_redis_cache(url):
    assert cache_settings(url) == {"default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}}


@pytest.mark.parametrize("url", ["memcached://x:11211", "db", "redis", "file:///tmp/c"])
def test_an_unknown_cache_url_says_what_is_accepted(url):
    with pytest.raises(ImproperlyConfigured, match="DOSSIER_CACHE_URL=.*db://.*redis://"):
        cache_settings(url)


def test_an_unknown_cache_url_stops_manage_py_with_that_message(tmp_path):
    done = run_django("", tmp_path, "memcached://x:11211")
    assert done.returncode != 0
    assert "DOSSIER_CACHE_URL='memcached://x:11211' is not a cache Dossier knows" in done.stderr


def test_two_processes_share_the_database_cache(tmp_path):
    made = run_django("from django.core.management import call_command; "
                      "call_command('createcachetable')", tmp_path, "db://")
    assert made.returncode == 0, made.stderr
    writer = run_django("cache.set('probe', {'pid': os.getpid()}, 60); print(os.getpid())",
                        tmp_path, "db://")
    reader = run_django("print(json.dumps([cache.get('probe'), os.getpid()]))", tmp_path, "db://")
    assert writer.returncode == 0 and reader.returncode == 0, writer.stderr + reader.stderr
    seen, reader_pid = json.loads(reader.stdout)
    assert seen == {"pid": int(writer.stdout)} and reader_pid != seen["pid"]


def test_two_processes_share_redis(tmp_path, redis_url):
    writer = run_django("cache.set('probe', {'pid': os.getpid()}, 60); print(os.getpid())",
                        tmp_path, redis_url)
    reader = run_django("print(json.dumps([cache.get('probe'), os.getpid()]))", tmp_path, redis_url)
    assert writer.returncode == 0 and reader.returncode == 0, writer.stderr + reader.stderr
    seen, reader_pid = json.loads(reader.stdout)
    assert seen == {"pid": int(writer.stdout)} and reader_pid != seen["pid"]


# Every page that caches something, with what it caches.
CACHING_PAGES = [
    ("archive:home", {}, {}),  # the home page's counts (model instances)
    ("archive:article", {"pk": 3, "slug": "placeholder"}, {}),  # rendered page, citations, related
    ("follow:latest-feed", {}, {}),  # a whole response
    ("search:search", {}, {"q": "sanctions", "timeline": "share"}),  # the archive's months
]


def visit_caching_pages(client) -> list[bytes]:
    pages = []
    for name, kwargs, params in CACHING_PAGES:
        if name == "archive:article":
            from archive.models import Article

            kwargs = {**kwargs, "slug": Article.objects.get(pk=kwargs["pk"]).slug}
        response = client.get(reverse(name, kwargs=kwargs), params)
        assert response.status_code == 200, name
        pages.append(response.content)
    return pages


@pytest.fixture(params=["db://", "redis"])
def shared_cache(request, settings, db):
    """The page cache as several servers would share it, and a way to list its raw keys."""
    if request.param == "redis":
        settings.CACHES = cache_settings(request.getfixturevalue("redis_url"))
        cache.clear()
        return lambda: [k.decode() for k in cache._cache.get_client(write=False).keys("*")]
    settings.CACHES = cache_settings(request.param)
    call_command("createcachetable", verbosity=0)

    def stored_keys() -> list[str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT cache_key FROM dossier_cache")
            return [row[0] for row in cursor.fetchall()]
    return stored_keys


def test_every_page_cache_round_trips_through_a_shared_cache(seeded, shared_cache, client,
                                                               search_backend):
    call_command("sync_index", verbosity=0)
    first = visit_caching_pages(client)
    keys = shared_cache()
    kinds = {key.split(":")[2] for key in keys}  # Django stores ":<version>:<key>"
    assert {"home-summary", "article-page", "citations", "response", "dossier"} <= kinds, keys
    for key in keys:
        # What another server could not use: too long for a cache key, or naming this process.
        assert len(key) <= 250 and str(os.getpid()) not in key, key
        if search_backend.name != "whoosh":  # Whoosh's key names its own index directory
            assert str(Path(tempfile.gettempdir())) not in key, key
        value = cache.get(key.split(":", 2)[2])  # unpickled from the shared store
        assert value is not None, key
        pickle.loads(pickle.dumps(value))  # and fit to store again
    assert visit_caching_pages(client) == first  # served from the shared cache, unchanged


# The secret key: every server must sign with the same one.

def secret_key_of(env: dict) -> subprocess.CompletedProcess:
    code = "import django; django.setup(); from django.conf import settings; print(settings.SECRET_KEY)"
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          env={"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "archive.settings",
                               **env})


def test_a_shared_database_without_a_secret_key_is_refused(tmp_path):
    done = secret_key_of({"DOSSIER_DATA_DIR": str(tmp_path),
                          "DATABASE_URL": "postgres://dossier@127.0.0.1:5432/dossier"})
    assert done.returncode != 0
    assert "ImproperlyConfigured: DJANGO_SECRET_KEY is not set." in done.stderr
    assert "every app server must share one secret key" in done.stderr
    assert not (tmp_path / "secret_key").exists()  # no key of its own to differ from the others'


def test_a_shared_database_uses_the_given_secret_key(tmp_path):
    key = "one-key-for-every-server-" + "q" * 40
    done = secret_key_of({"DOSSIER_DATA_DIR": str(tmp_path), "DJANGO_SECRET_KEY": key,
                          "DATABASE_URL": "postgres://dossier@127.0.0.1:5432/dossier"})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == key and not (tmp_path / "secret_key").exists()


def test_sqlite_still_generates_its_own_secret_key(tmp_path):
    done = secret_key_of({"DOSSIER_DATA_DIR": str(tmp_path)})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == (tmp_path / "secret_key").read_text().strip()
