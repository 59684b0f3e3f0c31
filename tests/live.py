"""A real Dossier on loopback for tests: its own data directory, set up by `make setup`, served
by gunicorn, and stoppable gently or with kill -9 (the crash and concurrency tests need both).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
ADMIN_USER, ADMIN_PASSWORD = "editor", "browser-test-password-91"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(data_dir: Path, port: int, **extra: str) -> dict:
    """The environment of a server on its own data directory (nothing of the caller's leaks)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DOSSIER_"))}
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


class LiveServer:
    """One archive on disk and the gunicorn serving it; restartable on the same data."""

    def __init__(self, *, workers: int = 2, data_dir: Path | None = None, **env: str):
        self.data_dir = data_dir or Path(tempfile.mkdtemp(prefix="dossier-live-"))
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = server_env(self.data_dir, self.port, WEB_CONCURRENCY=str(workers), **env)
        self.log_path = self.data_dir / "gunicorn.log"
        self.proc: subprocess.Popen | None = None

    def setup(self) -> LiveServer:
        """`make setup` (what `make run` does before serving) and a staff account."""
        subprocess.run(["make", "--no-print-directory", "setup"], cwd=ROOT, env=self.env,
                       check=True, stdout=subprocess.DEVNULL)
        self.manage("createsuperuser", "--noinput", "--username", ADMIN_USER,
                    "--email", "editor@example.org", check=False)
        return self

    def manage(self, *args: str, check: bool = True, env: dict | None = None,
               timeout: float = 600) -> subprocess.CompletedProcess:
        return subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env={**self.env, **(env or {})},
                              capture_output=True, text=True, check=check, timeout=timeout)

    def start(self, **env: str) -> LiveServer:
        log = self.log_path.open("a")
        self.proc = subprocess.Popen([GUNICORN, "-c", "gunicorn.conf.py"], cwd=ROOT,
                                     env={**self.env, **env}, stdout=log, stderr=subprocess.STDOUT)
        wait_until_serving(self.url + "/", self.proc)
        return self

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=30)
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

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def server_errors(self) -> list[str]:
        """Tracebacks and 'Internal Server Error' lines the server logged."""
        return [line for line in self.log().splitlines()
                if re.search(r"Internal Server Error|Traceback", line)]

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.data_dir, ignore_errors=True)

    def __enter__(self) -> LiveServer:
        return self

    def __exit__(self, *exc) -> None:
        self.remove()
