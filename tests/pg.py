"""A real PostgreSQL server for tests: a throwaway cluster on a free loopback port.

PostgreSQL refuses to run as root, so as root the cluster belongs to the `postgres` user (the
Debian package's) and every server command runs as that user; as anyone else it runs as you.
When the server programs are missing, root installs Debian's package with apt; anyone else is
told the command to run, as for Chromium.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

PACKAGES = ["postgresql-15", "postgresql-contrib"]
INSTALL_HINT = "PostgreSQL tests need PostgreSQL 15's server: run 'sudo apt-get install postgresql-15'"
USER = "dossier"  # the cluster's superuser, the role tests connect as (trust on loopback only)


def bindir() -> Path | None:
    """Where initdb and pg_ctl are: Debian keeps them off PATH, under /usr/lib/postgresql."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), reverse=True)
    if found:
        return Path(found[0]).parent
    on_path = shutil.which("pg_ctl")
    return Path(on_path).resolve().parent if on_path else None


def ensure_installed() -> Path:
    """The server programs' directory, installing Debian's package first when root may."""
    found = bindir()
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env, stdout=subprocess.DEVNULL)
        subprocess.run(["apt-get", "install", "-y", "-qq", *PACKAGES], check=True, env=env,
                       stdout=subprocess.DEVNULL)
        found = bindir()
    if not found:
        raise RuntimeError(INSTALL_HINT)
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PostgresServer:
    """One cluster in its own temporary directory; ``start()``, ``url()``, ``stop()``.

    Tuned for throwaway data (no fsync, no full-page writes): a crash loses the cluster, which
    a test cluster may. ``settings`` adds server settings (``wal_level`` for a replica, say).
    """

    def __init__(self, *, root: Path | None = None, port: int | None = None, **settings: str):
        self.bin = ensure_installed()
        self.root = Path(root or tempfile.mkdtemp(prefix="dossier-pg-"))
        self.data = self.root / "data"
        self.port = port or free_port()
        self.settings = {"listen_addresses": "127.0.0.1", "fsync": "off", "full_page_writes": "off",
                         "synchronous_commit": "off", "unix_socket_directories": str(self.root),
                         "max_connections": "200", **settings}
        self.owner = "postgres" if os.geteuid() == 0 else None

    # Commands as the cluster's owner.
    def run(self, program: str, *args: str, check: bool = True, **kwargs) -> subprocess.CompletedProcess:
        command = [str(self.bin / program) if (self.bin / program).exists() else program, *args]
        if self.owner:
            command = ["runuser", "-u", self.owner, "--", *command]
        return subprocess.run(command, check=check, cwd=self.root, capture_output=True, text=True, **kwargs)

    def start(self) -> PostgresServer:
        if self.owner:
            shutil.chown(self.root, self.owner)
        if not self.data.exists():
            self.run("initdb", "-D", str(self.data), "-U", USER, "--auth=trust", "-E", "UTF8",
                     "--locale=C.UTF-8", "--no-sync")
        options = " ".join(f"-c {key}={value}" for key, value in self.settings.items())
        started = self.run("pg_ctl", "-D", str(self.data), "-l", str(self.root / "server.log"),
                           "-o", f"-p {self.port} {options}", "-w", "-t", "60", "start", check=False)
        if started.returncode:
            raise RuntimeError(f"PostgreSQL did not start on port {self.port}:\n{started.stdout}"
                               f"{started.stderr}\n{self.log()}")
        return self

    def stop(self, *, remove: bool = True) -> None:
        if self.data.exists():
            self.run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop", check=False)
        if remove:
            shutil.rmtree(self.root, ignore_errors=True)

    def log(self) -> str:
        path = self.root / "server.log"
        return path.read_text(errors="replace") if path.exists() else ""

    # Databases.
    def url(self, database: str = "postgres") -> str:
        return f"postgres://{USER}@127.0.0.1:{self.port}/{database}"

    def psql(self, sql: str, database: str = "postgres") -> str:
        """Run SQL as the superuser and return its unaligned output."""
        done = subprocess.run(["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-d", self.url(database),
                               "-c", sql], check=True, capture_output=True, text=True)
        return done.stdout.strip()

    def create_database(self, name: str) -> str:
        self.psql(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while self.run("pg_isready", "-h", "127.0.0.1", "-p", str(self.port), check=False).returncode:
            if time.monotonic() > deadline:
                raise RuntimeError(f"PostgreSQL on port {self.port} is not ready:\n{self.log()}")
            time.sleep(0.2)

    def __enter__(self) -> PostgresServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
