"""Helpers for ingest tests: the shared seed and data folders are optional."""

from __future__ import annotations

import tarfile
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[3] / "shared"  # ../shared beside the project
SEEDS = SHARED / "seeds"
BBC_TAR = SHARED / "data" / "bbc" / "bbc-raw-text.tar.gz"
NEWSPAPER_TAR = SHARED / "data" / "newspaper4k" / "newspaper4k-pages.tar.gz"


@pytest.fixture(autouse=True)
def plain_static_storage():
    """Override the project's autouse settings fixture: ingest runs without Django."""


def read_tar(path: Path, suffix: str) -> dict[str, bytes]:
    """Members of a .tar.gz ending in `suffix`, by name; skips the test when it is absent."""
    if not path.exists():
        pytest.skip(f"{path} is not available on this machine")
    with tarfile.open(path) as tar:
        return {
            m.name: tar.extractfile(m).read()
            for m in tar.getmembers()
            if m.isfile() and m.name.endswith(suffix)
        }


@pytest.fixture
def seed_bytes():
    """Read one seed file by name, skipping when the seed folder is absent."""

    def read(name: str) -> bytes:
        path = SEEDS / name
        if not path.exists():
            pytest.skip("seed files are not available on this machine")
        return path.read_bytes()

    return read


@pytest.fixture(scope="session")
def bbc_files() -> dict[str, bytes]:
    """The 2,225 BBC raw text articles, by archive path."""
    files = read_tar(BBC_TAR, ".txt")
    return {name: data for name, data in files.items() if "README" not in name}


@pytest.fixture(scope="session")
def newspaper_pages() -> dict[str, bytes]:
    """newspaper4k's saved pages (html/*.html) and hints (metadata/*.json), by path."""
    return {**read_tar(NEWSPAPER_TAR, ".html"), **read_tar(NEWSPAPER_TAR, ".json")}
