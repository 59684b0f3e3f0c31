"""A real Dossier on loopback for tests: its own data directory, set up by `make setup`, served
by gunicorn, and stoppable gently or with kill -9 (the crash and concurrency tests need both).
"""

from __future__ import annotations

import contextlib
import http.cookiejar
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
ADMIN_USER, ADMIN_PASSWORD = "editor", "browser-test-password-91"
WORDS = ["sanctions", "Kremlin", "embassy", "treaty", "summit", "diplomacy", "pipeline", "election",
         "hacking", "envoy", "Crimea", "Ukraine", "NATO", "Baltic", "missile", "reset", "dialogue",
         "Congress", "Senate", "intelligence"]


def unique_word(n: int) -> str:
    """A made-up word only article n contains ("quorvbba", "quorvbca", ...)."""
    letters = "bcdfghjklmnpqrtvwxz"
    return "quorv" + letters[n // len(letters) % len(letters)] + letters[n % len(letters)] + "a"


def article_text(n: int, title: str) -> bytes:
    """A raw-text capture like the seeds (title, byline, date, paragraphs) holding unique_word(n)."""
    rng = random.Random(f"{title}{n}")
    paragraphs = [" ".join(rng.choice(WORDS) for _ in range(60)) + "." for _ in range(4)]
    paragraphs[1] += f" The word {unique_word(n)} appears only here."
    return (f"{title}\n\nBy Writer {n % 13}\n\n22 February 2017\n\n"
            + "\n\n".join(paragraphs) + "\n").encode()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(data_dir: Path, port: int, **extra: str) -> dict:
    """The environment of a server on its own data directory (nothing of the caller's leaks)."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("DJANGO_", "DOSSIER_")) and k != "DATABASE_URL"}
    env.update({
        "DOSSIER_DATA_DIR": str(data_dir), "DJANGO_SECURE": "0", "PORT": str(port),
        "HOST": "127.0.0.1", "WEB_CONCURRENCY": "2", "GUNICORN_ACCESSLOG": "",
        "DJANGO_SUPERUSER_PASSWORD": ADMIN_PASSWORD,
    })
    env.update(extra)
    return env


def wait_until_serving(url: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout} s")


def own_database(server_url: str) -> str:
    """A new, empty database on the PostgreSQL server of ``server_url``, for one live server
    (xdist workers each run their own, and two must never migrate one database at once)."""
    import psycopg

    parts = urllib.parse.urlsplit(server_url)
    name = f"live_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True) as db:
        db.execute(f'CREATE DATABASE "{name}"')
    return parts._replace(path=f"/{name}").geturl()


def drop_database(url: str) -> None:
    import psycopg

    parts = urllib.parse.urlsplit(url)
    with psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{parts.path.lstrip("/")}" WITH (FORCE)')


def on_postgres() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


class LiveServer:
    """One archive on disk and the gunicorn serving it; restartable on the same data.

    On a PostgreSQL run (DATABASE_URL set by the root conftest) the archive is a database of
    its own on that server, made here and dropped by ``remove()``; ``database_url`` names
    another one to serve instead (two servers, one archive).
    """

    def __init__(self, *, workers: int = 2, data_dir: Path | None = None,
                 database_url: str | None = None, **env: str):
        self.data_dir = data_dir or Path(tempfile.mkdtemp(prefix="dossier-live-"))
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.own_database = None
        if database_url is None and on_postgres():
            database_url = self.own_database = own_database(os.environ["DATABASE_URL"])
        if database_url:
            # Servers sharing a database share its sessions: one key for all, not one per data dir.
            env = {"DATABASE_URL": database_url, "DJANGO_SECRET_KEY": "live-test-" + "k" * 50, **env}
        self.env = server_env(self.data_dir, self.port, WEB_CONCURRENCY=str(workers), **env)
        self.log_path = self.data_dir / "gunicorn.log"
        self.proc: subprocess.Popen | None = None

    def setup(self) -> LiveServer:
        """`make setup` (what `make run` does before serving) and a staff account.

        make runs it with the interpreter running the tests, as `manage()` and `start()` do,
        and installs nothing: that interpreter is set up already, in .venv or elsewhere.
        """
        subprocess.run(["make", "--no-print-directory", "setup", f"PY={PYTHON}", "--old-file=.venv/.runtime"],
                       cwd=ROOT, env=self.env, check=True, stdout=subprocess.DEVNULL)
        self.manage("createsuperuser", "--noinput", "--username", ADMIN_USER,
                    "--email", "editor@example.org", check=False)
        return self

    def manage(self, *args: str, check: bool = True, env: dict | None = None,
               timeout: float = 600) -> subprocess.CompletedProcess:
        return subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env={**self.env, **(env or {})},
                              capture_output=True, text=True, check=check, timeout=timeout)

    def start(self, **env: str) -> LiveServer:
        log = self.log_path.open("a")
        # No control socket: gunicorn's default path is one per user, shared by every server.
        self.proc = subprocess.Popen([GUNICORN, "-c", "gunicorn.conf.py", "--no-control-socket"], cwd=ROOT,
                                     env={**self.env, **env}, stdout=log, stderr=subprocess.STDOUT)
        wait_until_serving(self.url + "/", self.proc)
        # The port was free when chosen; a server that took it since would answer as well.
        if f"Listening at: {self.url} ({self.proc.pid})" not in self.log():
            self.stop()
            raise RuntimeError(f"{self.url} answered, but not from the gunicorn started here")
        return self

    def stop(self) -> None:
        """Stop gently; a server still busy after gunicorn's 30 s graceful stop is killed."""
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=40)
            except subprocess.TimeoutExpired:
                self.kill_all()
        self.proc = None

    def kill_all(self) -> None:
        """kill -9 the master and every worker: the whole server dies mid-whatever."""
        if not self.proc:
            return
        for pid in [*self.worker_pids(), self.proc.pid]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.proc.wait(timeout=10)
        self.proc = None

    def worker_pids(self) -> list[int]:
        if not self.proc:
            return []
        children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
        return [int(p) for p in children.read_text().split()] if children.exists() else []

    def sql(self, statement: str) -> list[tuple]:
        """Rows of one SQL statement, run on the archive's own database (its SQLite file, or
        its PostgreSQL database), beside the server, not through it."""
        url = self.env.get("DATABASE_URL")
        if url:
            import psycopg

            with psycopg.connect(url, autocommit=True) as db:
                cursor = db.execute(statement)
                return [tuple(row) for row in cursor.fetchall()] if cursor.description else []
        import sqlite3

        with contextlib.closing(sqlite3.connect(self.data_dir / "dossier.sqlite3", timeout=30)) as db:
            rows = [tuple(row) for row in db.execute(statement).fetchall()]
            db.commit()
            return rows

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def server_errors(self) -> list[str]:
        """Tracebacks and 'Internal Server Error' lines the server logged."""
        return [line for line in self.log().splitlines()
                if re.search(r"Internal Server Error|Traceback", line)]

    def remove(self) -> None:
        """Stop, keep the server's log under test-artifacts/ for a post-mortem, delete the data."""
        self.stop()
        if self.log_path.exists():
            (ROOT / "test-artifacts").mkdir(exist_ok=True)
            shutil.copy(self.log_path, ROOT / "test-artifacts" / f"gunicorn-{self.data_dir.name}.log")
        shutil.rmtree(self.data_dir, ignore_errors=True)
        if self.own_database:
            drop_database(self.own_database)
            self.own_database = None

    def __enter__(self) -> LiveServer:
        return self

    def __exit__(self, *exc) -> None:
        self.remove()


# A staff member's browser session, without the browser: the real admin login, upload form,
# review formset and confirmation, over HTTP. The concurrency and crash tests drive many at once.


class _Forms(HTMLParser):
    """Every <form> of a page as {field name: value}, as a browser would submit it."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict[str, str]] = []
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append({})
        elif self.forms and tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind not in ("submit", "file", "button"):
                self.forms[-1][a["name"]] = a.get("value") or ("on" if kind == "checkbox" else "")
        elif self.forms and tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            self.forms[-1][a["name"]] = ""

    def handle_data(self, data):
        if self._textarea:
            self.forms[-1][self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None


def page_forms(html: str) -> list[dict[str, str]]:
    parser = _Forms()
    parser.feed(html)
    return parser.forms


def multipart(fields: dict[str, str], files: list[tuple[str, str, bytes]]) -> tuple[bytes, str]:
    """A multipart/form-data body and its content type (files: field, file name, bytes)."""
    boundary = f"dossier{uuid.uuid4().hex}"
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                     f"{value}\r\n".encode())
    for name, file_name, content in files:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                     f'filename="{file_name}"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode()
                     + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


@dataclass
class Answer:
    status: int
    url: str
    text: str


class AdminSession:
    """One signed-in staff member talking to a LiveServer."""

    def __init__(self, base_url: str, user: str = ADMIN_USER, password: str = ADMIN_PASSWORD,
                 timeout: float = 120):
        self.base, self.timeout = base_url, timeout
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))
        self.statuses: list[int] = []
        login = self.get("/admin/login/?next=/admin/")
        form = next(f for f in page_forms(login.text) if "username" in f)
        answer = self.post("/admin/login/?next=/admin/", {**form, "username": user, "password": password})
        if "/admin/login/" in answer.url:
            raise RuntimeError("admin login failed")

    def request(self, path: str, data: bytes | None = None, content_type: str = "") -> Answer:
        url = path if path.startswith("http") else self.base + path
        req = urllib.request.Request(url, data=data, headers={"Referer": self.base + "/"})
        if content_type:
            req.add_header("Content-Type", content_type)
        try:
            with self.opener.open(req, timeout=self.timeout) as response:
                answer = Answer(response.status, response.geturl(), response.read().decode(errors="replace"))
        except urllib.error.HTTPError as error:
            answer = Answer(error.code, url, error.read().decode(errors="replace"))
        self.statuses.append(answer.status)
        return answer

    def get(self, path: str) -> Answer:
        return self.request(path)

    def post(self, path: str, fields: dict[str, str]) -> Answer:
        return self.request(path, urllib.parse.urlencode(fields).encode(),
                            "application/x-www-form-urlencoded")

    def upload(self, files: list[tuple[str, bytes]]) -> Answer:
        """Choose files on the upload page and send them: answers with the review page."""
        page = self.get("/admin/archive/article/upload/")
        form = next(f for f in page_forms(page.text) if "pasted" in f)
        form.pop("topics", None)
        body, content_type = multipart(form, [("files", name, data) for name, data in files])
        return self.request("/admin/archive/article/upload/", body, content_type)

    def confirm(self, review: Answer) -> Answer:
        """Submit the review page as it was filled in: answers with the results page."""
        form = next(f for f in page_forms(review.text) if "form-TOTAL_FORMS" in f)
        return self.post(review.url, form)
