"""HTTP throughput and latency: the real gunicorn on loopback under wrk."""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from django.conf import settings

WRK = "/usr/bin/wrk"
UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> int:
    with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 (loopback)
        response.read()
        return response.status


def _wait_until_up(url: str, server: subprocess.Popen, timeout_s: float = 90) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}")
        try:
            if _get(url) == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"gunicorn did not answer {url} within {timeout_s:.0f} s")


def _ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()
    return round(float(number) * UNITS_MS[unit], 2)


def parse_wrk(output: str) -> dict:
    """Requests/s, latency percentiles and errors from ``wrk --latency`` output."""
    figures: dict = {"req_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1])}
    for pct in ("50", "90", "99"):
        if m := re.search(rf"^\s+{pct}(?:\.000)?%\s+([\d.]+\w+)", output, re.M):
            figures[f"p{pct}_ms"] = _ms(m[1])
    if m := re.search(r"Latency\s+([\d.]+\w+)\s+[\d.]+\w+\s+([\d.]+\w+)", output):
        figures["mean_ms"], figures["max_ms"] = _ms(m[1]), _ms(m[2])
    figures["non_2xx"] = int(m[1]) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)",
                                                      output)) else 0
    figures["errors"] = output.count("Socket errors")
    return figures


def worker_rss_mb(master_pid: int) -> list[float]:
    """VmRSS of each gunicorn worker (children of the master)."""
    try:
        children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    except OSError:
        return []
    sizes = []
    for pid in children:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        if m := re.search(r"VmRSS:\s+(\d+) kB", status):
            sizes.append(round(int(m[1]) / 1024, 1))
    return sizes


def measure_http(archive_dir: Path, paths: dict[str, str], *, duration_s: int = 10,
                 threads: int = 2, connections: int = 8, workers: int = 2) -> dict:
    """Serve ``archive_dir`` with gunicorn and run wrk against each path."""
    if not (shutil.which(WRK) or shutil.which("wrk")):
        return {"skipped": "wrk not installed (apt-get install wrk)"}
    port = free_port()
    env = {**os.environ, "DOSSIER_DATA_DIR": str(archive_dir), "HOST": "127.0.0.1",
           "PORT": str(port), "DJANGO_SECURE": "0", "WEB_CONCURRENCY": str(workers),
           "GUNICORN_ACCESSLOG": "", "DJANGO_LOG_LEVEL": "WARNING"}
    gunicorn = Path(sys.executable).with_name("gunicorn")
    log = (archive_dir / "gunicorn.log").open("w")
    server = subprocess.Popen([str(gunicorn), "-c", "gunicorn.conf.py"], cwd=settings.BASE_DIR,
                              env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    figures: dict = {"workers": workers, "wrk": f"-t{threads} -c{connections} -d{duration_s}s"}
    try:
        _wait_until_up(base + "/", server)
        for name, path in paths.items():
            warm_failures = 0
            for _ in range(4 * workers):  # every worker opens its searcher before timing
                try:
                    _get(base + path)
                except (OSError, http.client.HTTPException):
                    warm_failures += 1
            run = subprocess.run(
                [shutil.which(WRK) or "wrk", f"-t{threads}", f"-c{connections}",
                 f"-d{duration_s}s", "--latency", base + path],
                capture_output=True, text=True, check=True)
            figures[name] = {"path": path, **parse_wrk(run.stdout),
                             "warm_up_failures": warm_failures}
        rss = worker_rss_mb(server.pid)
        figures["worker_rss_mb"] = rss
        figures["max_worker_rss_mb"] = max(rss) if rss else None
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()
    return figures
