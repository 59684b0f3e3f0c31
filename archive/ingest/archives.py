"""Zip uploads: yield each member for extraction, refusing unsafe or bomb-like archives."""

from __future__ import annotations

import io
import lzma
import posixpath
import re
import zipfile
import zlib
from collections.abc import Iterator

from .errors import IngestError
from .pipeline import MAX_BYTES, megabytes

MAX_MEMBERS = 1000
MAX_TOTAL_BYTES = 200 * 1024 * 1024
_CHUNK = 64 * 1024
_DRIVE_RE = re.compile(r"^[A-Za-z]:")
# What zipfile and its decompressors raise on damaged data: a truncated archive can make
# zipfile seek before the start (ValueError), corrupt deflate/LZMA streams raise their own.
_DAMAGED = (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, EOFError, ValueError,
            zlib.error, lzma.LZMAError)


def expand_upload(
    data: bytes,
    filename: str,
    *,
    max_bytes: int = MAX_BYTES,
    max_members: int = MAX_MEMBERS,
    max_total_bytes: int = MAX_TOTAL_BYTES,
) -> Iterator[tuple[str, bytes | IngestError]]:
    """Yield (name, bytes) per file of a .zip, or (name, IngestError) for a refused member.

    A non-zip upload is yielded once as it is. The whole archive is refused (IngestError
    raised) when it is not a zip or looks like a zip bomb; sizes declared in the archive
    are checked first and then enforced again while reading, since they can lie.
    """
    if not filename.lower().endswith(".zip"):
        yield filename, data
        return
    archive = _open(data)
    members = [info for info in archive.infolist() if not _skipped(info.filename)]
    _check_declared(members, max_members, max_total_bytes)
    total = 0
    for info in members:
        result = _read_member(archive, info, max_bytes, max_total_bytes - total)
        if isinstance(result, bytes):
            total += len(result)
        yield info.filename, result


def _open(data: bytes) -> zipfile.ZipFile:
    """Open the archive or explain that it is not one."""
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as error:
        raise IngestError("This file is not a valid zip archive") from error
    except NotImplementedError as error:  # e.g. a directory claiming a newer zip version
        raise IngestError("This zip archive uses features Dossier cannot read; re-create it "
                          "with a common zip tool") from error


def _skipped(name: str) -> bool:
    """Directories, macOS resource forks and dotfiles are not captures: skip them silently."""
    parts = [p for p in name.replace("\\", "/").split("/") if p]
    return (
        name.endswith(("/", "\\"))
        or not parts
        or parts[0] == "__MACOSX"
        or any(p.startswith(".") and p != ".." for p in parts)
    )


def _check_declared(members: list[zipfile.ZipInfo], max_members: int, max_total: int) -> None:
    """Refuse archives with too many files or too many declared bytes before reading any."""
    if len(members) > max_members:
        raise IngestError(
            f"The archive holds {len(members)} files; at most {max_members} can be imported at once"
        )
    declared = sum(info.file_size for info in members)
    if declared > max_total:
        raise IngestError(
            f"The archive would unpack to {megabytes(declared)} MB; the limit is {megabytes(max_total)} MB"
        )


def _read_member(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, max_bytes: int, budget: int
) -> bytes | IngestError:
    """A member's bytes, or the reason it is refused."""
    reason = _refusal(info)
    if reason:
        return IngestError(reason)
    cap = min(max_bytes, budget)
    try:
        data = _read_capped(archive, info, cap)
    except _DAMAGED:
        return IngestError("This file in the archive is damaged or uses unsupported compression")
    if data is None:
        if budget < max_bytes:
            return IngestError("The archive unpacks to more data than the import limit allows")
        return IngestError(f"The file is larger than the {megabytes(max_bytes)} MB limit")
    if data.startswith(b"PK\x03\x04"):
        return IngestError("Nested zip archives are not supported")
    return data


def _refusal(info: zipfile.ZipInfo) -> str | None:
    """Why a member must not be read: unsafe path, encryption or a nested archive."""
    name = info.filename.replace("\\", "/")
    if name.startswith("/") or _DRIVE_RE.match(name) or ".." in name.split("/"):
        return "Unsafe path in the archive (absolute or containing '..'); this file was skipped"
    if info.flag_bits & 0x1:
        return "Encrypted files in archives are not supported"
    if posixpath.splitext(name.lower())[1] == ".zip":
        return "Nested zip archives are not supported"
    return None


def _read_capped(archive: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int) -> bytes | None:
    """Read at most `cap` bytes; None when the member turns out to be bigger."""
    chunks, size = [], 0
    with archive.open(info) as member:
        while chunk := member.read(_CHUNK):
            size += len(chunk)
            if size > cap:
                return None
            chunks.append(chunk)
    return b"".join(chunks)
