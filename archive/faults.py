"""Crash points: places where the crash tests kill this process with SIGKILL, as a power cut would.

``DOSSIER_CRASH_AT=<name>`` names the point and ``DOSSIER_CRASH_MARKER=<path>`` a file that
makes it fire once (the first process to create the file dies; the restarted one goes on).
Without the variables a crash point costs one dictionary lookup. The names in use:

- ``upload.staging``: half of an upload's files are staged, the transaction is still open;
- ``upload.confirming``: the first article of a reviewed batch is saved, the rest is not;
- ``index.before-commit``: an index batch is written to segment files, its TOC is not;
- ``index.after-commit``: the index has committed, its outbox tasks are not yet deleted;
- ``index.rebuilding``: a rebuild has written its first batch of articles, not committed.
"""

import os
import signal


def crash_point(name: str) -> None:
    """Die here, at once and without cleanup, if the crash tests asked for it."""
    if os.environ.get("DOSSIER_CRASH_AT") != name:
        return
    try:
        with open(os.environ["DOSSIER_CRASH_MARKER"], "x") as marker:
            marker.write(f"{name} {os.getpid()}\n")
    except (KeyError, FileExistsError):
        return
    os.kill(os.getpid(), signal.SIGKILL)
