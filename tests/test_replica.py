"""DATABASE_REPLICA_URL: browse and search reads from a streaming replica, writes and the
uploader's own reads from the primary, with a real replica made by pg_basebackup on loopback."""

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.core.cache.backends.db import DatabaseCache
from django.db import DEFAULT_DB_ALIAS, transaction

from archive.middleware import reads_replica
from archive.models import Outlet
from archive.routers import REPLICA, PrimaryReplicaRouter, read_alias, replica_reads
from tests.pg import USER, PostgresServer

ROOT = Path(__file__).resolve().parent.parent
PIN_SECONDS = 7

# Run in another process, with the settings of a server that has a replica: how many queries
# each database answered for a request, as a user sees it.
PRELUDE = """
import django, json, os, sys
django.setup()
from django.conf import settings
from django.db import connections
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
override_settings(STORAGES={**settings.STORAGES, "staticfiles": {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}).enable()

def served(client, path, method="get", **data):
    with CaptureQueriesContext(connections["default"]) as primary, \\
            CaptureQueriesContext(connections["replica"]) as replica:
        response = getattr(client, method)(path, data)
    cookie = response.cookies.get("dossier_primary")
    return {"status": response.status_code, "default": len(primary), "replica": len(replica),
            "pin": cookie and {"max-age": cookie["max-age"], "httponly": cookie["httponly"]}}
"""


# Without a server: the settings and the router's rules.

def settings_of(env: dict) -> subprocess.CompletedProcess:
    code = ("import django, json; django.setup(); from django.conf import settings as s; "
            "print(json.dumps([s.DATABASES.get('replica'), getattr(s, 'DATABASE_ROUTERS', []), "
            "s.MIDDLEWARE]))")
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          env={"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "archive.settings",
                               "DJANGO_SECRET_KEY": "s" * 50, **env})


def test_a_replica_url_adds_the_replica_its_router_and_middleware(tmp_path):
    done = settings_of({"DOSSIER_DATA_DIR": str(tmp_path), "DATABASE_URL": "postgres://a@db1:5432/dossier",
                        "DATABASE_REPLICA_URL": "postgres://a@db2:5433/dossier"})
    assert done.returncode == 0, done.stderr
    replica, routers, middleware = json.loads(done.stdout)
    assert (replica["HOST"], replica["PORT"], replica["NAME"]) == ("db2", 5433, "dossier")
    assert replica["TEST"]["MIRROR"] == "default"  # tests read what they wrote
    assert routers == ["archive.routers.PrimaryReplicaRouter"]
    auth = middleware.index("django.contrib.auth.middleware.AuthenticationMiddleware")
    assert middleware[auth + 1] == "archive.middleware.replica_reads"


def test_without_a_replica_url_nothing_changes(tmp_path):
    done = settings_of({"DOSSIER_DATA_DIR": str(tmp_path)})
    replica, routers, middleware = json.loads(done.stdout)
    assert replica is None and routers == []
    assert "archive.middleware.replica_reads" not in middleware


def test_reads_go_to_the_replica_only_where_a_request_allowed_it(transactional_db):
    router = PrimaryReplicaRouter()
    assert router.db_for_read(Outlet) == DEFAULT_DB_ALIAS  # commands, drains, tests
    with replica_reads() as wrote:
        assert router.db_for_read(Outlet) == REPLICA
        with transaction.atomic():
            assert router.db_for_read(Outlet) == DEFAULT_DB_ALIAS  # read what it is writing
        assert router.db_for_read(Outlet) == REPLICA and not wrote()
        assert router.db_for_write(Outlet) == DEFAULT_DB_ALIAS
        assert router.db_for_read(Outlet) == DEFAULT_DB_ALIAS and wrote()  # from then on
    assert router.db_for_read(Outlet) == DEFAULT_DB_ALIAS
    cache_table = DatabaseCache("dossier_cache", {}).cache_model_class
    with replica_reads() as wrote:
        assert router.db_for_read(cache_table) == router.db_for_write(cache_table) == DEFAULT_DB_ALIAS
        assert not wrote() and router.db_for_read(Outlet) == REPLICA  # filling a cache pins nothing
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "archive") and not router.allow_migrate(REPLICA, "archive")


def test_raw_sql_reads_follow_the_same_rules(transactional_db, settings):
    assert read_alias() == DEFAULT_DB_ALIAS  # no replica configured
    with replica_reads():
        assert read_alias() == DEFAULT_DB_ALIAS
    settings.DATABASE_ROUTERS = ["archive.routers.PrimaryReplicaRouter"]
    assert read_alias() == DEFAULT_DB_ALIAS  # outside a request that allows it
    with replica_reads():
        assert read_alias() == REPLICA
        with transaction.atomic():
            assert read_alias() == DEFAULT_DB_ALIAS


@pytest.mark.parametrize(("method", "path", "cookies", "expected"), [
    ("get", "/outlets/", {}, True),
    ("head", "/search/", {}, True),
    ("post", "/outlets/", {}, False),  # whatever it reads, it came to write
    ("get", "/admin/login/", {}, False),
    ("get", "/outlets/", {"dossier_primary": "1"}, False),  # wrote a moment ago
])
def test_which_requests_may_read_the_replica(rf, method, path, cookies, expected):
    request = getattr(rf, method)(path)
    request.COOKIES.update(cookies)
    request.user = AnonymousUser()
    assert reads_replica(request) is expected


def test_a_staff_member_never_reads_the_replica(rf, db):
    request = rf.get("/outlets/")
    request.user = User.objects.create_user("editor", is_staff=True)
    assert reads_replica(request) is False


# With a real primary and its streaming replica.

@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    """A primary with the schema migrated, and a hot standby streaming from it."""
    try:
        primary, replica = PostgresServer(), PostgresServer()
    except RuntimeError as error:  # the install command
        pytest.fail(str(error))
    try:
        primary.start()
        if replica.owner:
            shutil.chown(replica.root, replica.owner)
        copied = replica.run("pg_basebackup", "-h", "127.0.0.1", "-p", str(primary.port), "-U", USER,
                             "-D", str(replica.data), "-R", "-X", "stream", "--no-sync", check=False)
        assert copied.returncode == 0, copied.stderr
        replica.start()
        primary.create_database("dossier")
        env = {"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "archive.settings",
               "DJANGO_SECRET_KEY": "shared-" + "k" * 50, "DJANGO_SECURE": "0",
               "DJANGO_ALLOWED_HOSTS": "testserver", "DATABASE_URL": primary.url("dossier"),
               "DATABASE_REPLICA_URL": replica.url("dossier"),
               "DOSSIER_REPLICA_PIN_SECONDS": str(PIN_SECONDS),
               "DOSSIER_DATA_DIR": str(tmp_path_factory.mktemp("replica-server"))}
        for command in (["migrate", "--noinput"], ["load_seed_collection"], ["sync_index"]):  # make setup
            done = subprocess.run([sys.executable, "manage.py", *command, "-v", "0"], cwd=ROOT, env=env,
                                  capture_output=True, text=True, timeout=300)
            assert done.returncode == 0, done.stderr
        wait_for(lambda: replica.psql("SELECT to_regclass('archive_outlet')", "dossier") == "archive_outlet")
        yield primary, replica, env
    finally:
        replica.stop()
        primary.stop()


def wait_for(condition, timeout: float = 10) -> float:
    """Seconds until ``condition()`` held; fails after ``timeout``."""
    start = time.monotonic()
    while not condition():
        assert time.monotonic() - start < timeout, "the replica did not catch up"
        time.sleep(0.05)
    return time.monotonic() - start


def probe(env: dict, code: str) -> dict:
    """Run ``code`` as the app server would (PRELUDE first); it prints one JSON value."""
    done = subprocess.run([sys.executable, "-c", PRELUDE + code], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_replica_is_a_read_only_standby(servers):
    primary, replica, _ = servers
    assert replica.psql("SELECT pg_is_in_recovery()") == "t"
    assert primary.psql("SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'") == "1"
    with pytest.raises(subprocess.CalledProcessError) as refused:
        replica.psql("INSERT INTO archive_outlet (name, slug, homepage) VALUES ('x', 'x', '')", "dossier")
    assert "read-only transaction" in refused.value.stderr


def test_a_write_through_the_orm_lands_on_the_primary_and_streams_to_the_replica(servers):
    primary, replica, env = servers
    written = probe(env, """
from django.contrib.auth.models import AnonymousUser, User
from django.core.cache.backends.db import DatabaseCache

from archive.middleware import reads_replica
from archive.models import Outlet
from django.db import router
outlet = Outlet.objects.create(name="Streamed Outlet", slug="streamed-outlet")
print(json.dumps({"db": outlet._state.db, "write_db": router.db_for_write(Outlet)}))
""")
    assert written == {"db": "default", "write_db": "default"}
    sql = "SELECT name FROM archive_outlet WHERE slug = 'streamed-outlet'"
    assert primary.psql(sql, "dossier") == "Streamed Outlet"
    assert wait_for(lambda: replica.psql(sql, "dossier") == "Streamed Outlet", timeout=5) < 5


def test_browse_and_search_pages_read_only_the_replica(servers):
    _, _, env = servers
    seen = probe(env, """
client = Client()
print(json.dumps({path: served(client, path) for path in
                  ["/", "/latest/", "/search/?q=sanctions", "/outlets/", "/archive/"]}))
""")
    for path, counts in seen.items():
        assert counts["status"] == 200, path
        assert counts["default"] == 0 and counts["replica"] > 0, (path, counts)
        assert counts["pin"] is None, path  # reading pins nothing


def test_a_database_cache_on_the_primary_pins_no_visitor(servers):
    primary, _, env = servers
    seen = probe({**env, "DOSSIER_CACHE_URL": "db://"}, """
from django.core.management import call_command
call_command("createcachetable")
client = Client()
print(json.dumps([served(client, "/"), served(client, "/")]))  # fills the cache, then reads it
""")
    for counts in seen:
        assert counts["status"] == 200 and counts["pin"] is None, counts
        assert counts["replica"] > 0, counts  # the page's own rows still come from the replica
    assert seen[1]["replica"] < seen[0]["replica"]  # the home page's counts came from the cache
    assert int(primary.psql("SELECT count(*) FROM dossier_cache", "dossier")) > 0


def test_staff_admin_and_recent_writers_read_the_primary(servers):
    """With replay paused the replica lags for as long as we like: a new outlet is there for
    staff, the admin and a browser that just wrote, and missing for everyone else."""
    primary, replica, env = servers
    replica.psql("SELECT pg_wal_replay_pause()")
    try:
        seen = probe(env, """
from django.contrib.auth.models import User
from archive.models import Outlet
Outlet.objects.create(name="Lagging Outlet", slug="lagging-outlet")
staff = User.objects.create_superuser("editor", password="a long pass phrase")
anonymous, editor, writer = Client(), Client(), Client()
editor.force_login(staff)
seen = {"anonymous": served(anonymous, "/outlets/lagging-outlet/"),
        "staff": served(editor, "/outlets/lagging-outlet/"),
        "admin": served(editor, "/admin/archive/outlet/", q="lagging"),
        "sign-in": served(writer, "/admin/login/", "post", username="editor", password="wrong")}
seen["pinned"] = served(writer, "/outlets/lagging-outlet/")
print(json.dumps(seen))
""")
    finally:
        replica.psql("SELECT pg_wal_replay_resume()")
    assert seen["anonymous"]["status"] == 404 and seen["anonymous"]["default"] == 0  # the lag shows
    for who in ("staff", "pinned"):
        assert seen[who]["status"] == 200 and seen[who]["replica"] == 0, (who, seen[who])
    assert seen["admin"]["status"] == 200 and seen["admin"]["replica"] == 0
    assert seen["admin"]["default"] > 0
    assert seen["sign-in"]["pin"] == {"max-age": PIN_SECONDS, "httponly": True}
    assert seen["sign-in"]["replica"] == 0
    sql = "SELECT count(*) FROM archive_outlet WHERE slug = 'lagging-outlet'"
    wait_for(lambda: replica.psql(sql, "dossier") == "1")
    caught_up = probe(env, 'print(json.dumps(served(Client(), "/outlets/lagging-outlet/")))')
    assert caught_up["status"] == 200 and caught_up["default"] == 0


def test_the_postgres_engines_own_search_sql_reads_the_replica_too(servers):
    """With search in the database, a visitor's search (matches, facets, snippets, "did you
    mean") is read on the replica as well: the primary sees none of it."""
    primary, replica, env = servers
    on_postgres = {**env, "DOSSIER_SEARCH_BACKEND": "postgres"}
    built = subprocess.run([sys.executable, "manage.py", "sync_index", "-v", "0"], cwd=ROOT, env=on_postgres,
                           capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr
    count = "SELECT count(*) FROM search_pg_document"
    wait_for(lambda: replica.psql(count, "dossier") == primary.psql(count, "dossier") != "0")
    seen = probe(on_postgres, """
client = Client()
print(json.dumps({path: served(client, path) for path in
                  ["/search/?q=sanctions", '/search/?q="the+president"', "/search/?q=sanctoins"]}))
""")
    for path, counts in seen.items():
        assert counts["status"] == 200, path
        assert counts["default"] == 0 and counts["replica"] > 0, (path, counts)
