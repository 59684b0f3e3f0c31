"""Zip uploads: each member separately, unsafe members refused, bombs refused outright."""

from __future__ import annotations

import io
import struct
import zipfile

import pytest

from archive.ingest import IngestError, expand_upload, extract

ARTICLE = ("Headline\n\n" + "The talks went on late into the night and ended without a deal. " * 8).encode()


def make_zip(members: dict[str, bytes], **kwargs) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(zipfile.ZipInfo(name) if kwargs.get("raw_names") else name, data)
    return buffer.getvalue()


def results(data: bytes, **limits) -> dict[str, bytes | IngestError]:
    return dict(expand_upload(data, "upload.zip", **limits))


def test_non_zip_passes_through_once():
    assert list(expand_upload(ARTICLE, "a.txt")) == [("a.txt", ARTICLE)]


def test_members_are_yielded_and_extract():
    out = results(make_zip({"a.txt": ARTICLE, "dir/b.html": b"<p>x</p>"}))
    assert out == {"a.txt": ARTICLE, "dir/b.html": b"<p>x</p>"}
    assert extract(out["a.txt"], "a.txt").title == "Headline"


def test_directories_macosx_and_dotfiles_skipped_silently():
    out = results(
        make_zip(
            {
                "dir/": b"",
                "__MACOSX/._a.txt": b"junk",
                ".DS_Store": b"junk",
                "dir/.hidden.txt": b"junk",
                "dir/a.txt": ARTICLE,
            },
            raw_names=True,
        )
    )
    assert list(out) == ["dir/a.txt"]


def test_unsafe_paths_refused_and_others_continue():
    out = results(
        make_zip(
            {
                "/etc/passwd.txt": ARTICLE,
                "../up.txt": ARTICLE,
                "a/../../up2.txt": ARTICLE,
                "C:/win.txt": ARTICLE,
                "ok.txt": ARTICLE,
            },
            raw_names=True,
        )
    )
    assert out["ok.txt"] == ARTICLE
    refused = [name for name, value in out.items() if isinstance(value, IngestError)]
    assert len(refused) == 4
    assert all("Unsafe path" in str(out[name]) for name in refused)


def test_nested_zip_refused():
    inner = make_zip({"a.txt": ARTICLE})
    out = results(make_zip({"inner.zip": inner, "renamed.txt": inner, "a.txt": ARTICLE}))
    assert "Nested zip archives are not supported" in str(out["inner.zip"])
    assert "Nested zip archives are not supported" in str(out["renamed.txt"])
    assert out["a.txt"] == ARTICLE


def test_not_a_zip():
    with pytest.raises(IngestError, match="not a valid zip archive"):
        list(expand_upload(b"this is not a zip", "upload.zip"))


def test_too_many_members():
    data = make_zip({f"{i}.txt": ARTICLE for i in range(6)})
    with pytest.raises(IngestError, match="holds 6 files; at most 5"):
        list(expand_upload(data, "upload.zip", max_members=5))


def test_declared_size_bomb_refused_before_reading():
    data = make_zip({"a.txt": b"\0" * 3_000_000, "b.txt": b"\0" * 3_000_000})
    assert len(data) < 100_000
    with pytest.raises(IngestError, match="would unpack to 5.7 MB; the limit is 5 MB"):
        list(expand_upload(data, "upload.zip", max_total_bytes=5 * 1024 * 1024))


def test_oversized_member_refused_while_reading():
    out = results(make_zip({"big.txt": b"a" * 2_000_000, "a.txt": ARTICLE}), max_bytes=1024 * 1024)
    assert "larger than the 1 MB limit" in str(out["big.txt"])
    assert out["a.txt"] == ARTICLE


def _lie_about_size(data: bytes, declared: int) -> bytes:
    """Rewrite the uncompressed size in both headers, as a crafted bomb would."""
    raw = bytearray(data)
    local = raw.find(b"PK\x03\x04")
    raw[local + 22 : local + 26] = struct.pack("<I", declared)
    central = raw.find(b"PK\x01\x02")
    raw[central + 24 : central + 28] = struct.pack("<I", declared)
    return bytes(raw)


def test_lying_declared_size_does_not_unpack_the_bomb():
    data = _lie_about_size(make_zip({"bomb.txt": b"\0" * 5_000_000}), 100)
    out = results(data, max_bytes=1024 * 1024, max_total_bytes=2 * 1024 * 1024)
    value = out["bomb.txt"]
    assert isinstance(value, IngestError) or len(value) <= 100


def test_encrypted_member_refused():
    data = bytearray(make_zip({"secret.txt": ARTICLE, "a.txt": ARTICLE}))
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        position = data.find(signature)  # the first member's headers
        flags = struct.unpack("<H", data[position + offset : position + offset + 2])[0]
        data[position + offset : position + offset + 2] = struct.pack("<H", flags | 0x1)
    out = results(bytes(data))
    assert "Encrypted" in str(out["secret.txt"])
    assert out["a.txt"] == ARTICLE
