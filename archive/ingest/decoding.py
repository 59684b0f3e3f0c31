"""Bytes to text: refuse what is not text, then decode without ever raising UnicodeDecodeError."""

from __future__ import annotations

import codecs
import re
import unicodedata

from .errors import IngestError

_MAGIC = (
    (b"%PDF-", "PDF files are not supported yet; save the page as HTML or text"),
    (b"\x89PNG\r\n\x1a\n", "This is a PNG image, not an article; upload the page as HTML or text"),
    (b"\xff\xd8\xff", "This is a JPEG image, not an article; upload the page as HTML or text"),
    (b"GIF87a", "This is a GIF image, not an article; upload the page as HTML or text"),
    (b"GIF89a", "This is a GIF image, not an article; upload the page as HTML or text"),
    (b"PK\x03\x04", "This is a zip archive; upload it with a .zip file name"),
    (b"\x1f\x8b", "This is a gzip-compressed file; unpack it and upload the text or HTML"),
    (b"\xd0\xcf\x11\xe0", "Word/Office documents are not supported; save the page as HTML or text"),
)
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: its BOM starts the same way
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_META_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.\-]+)""", re.IGNORECASE)
# C0 controls other than tab, newline, form feed and carriage return mark binary data.
_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")
_NEWLINES_RE = re.compile(r"\r\n?|[\u2028\u2029\x85]")
# Characters XML forbids (lone surrogates from a lying utf-7 or escape codec, a byte-swapped
# BOM): lxml refuses them inside trafilatura, so they become the replacement character.
_NON_XML_RE = re.compile("[\ud800-\udfff\ufffe\uffff]")
_SNIFF_BYTES = 4096


def refuse_binary_formats(data: bytes) -> None:
    """Raise for images, PDFs and other binary formats a user may upload by mistake."""
    for magic, reason in _MAGIC:
        if data.startswith(magic):
            raise IngestError(reason)
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        raise IngestError("This is a WebP image, not an article; upload the page as HTML or text")


def decode(data: bytes, *, html: bool = False) -> str:
    """Decode a capture to NFC text with "\\n" newlines, refusing binary data."""
    text = _decode_raw(data, html=html)
    if _looks_binary(text):
        raise IngestError("This file is binary data, not text; upload the page as HTML or text")
    text = _NEWLINES_RE.sub("\n", text.replace("\ufeff", ""))
    text = _NON_XML_RE.sub("\ufffd", text)
    if html:  # whitespace to a browser, but it makes trafilatura drop the whole article
        text = text.replace("\x0c", " ")
    # A stray control character past the sniffed sample must not reach the database
    # (PostgreSQL refuses NUL in text); tab, newline and (in plain text) form feed are kept.
    return unicodedata.normalize("NFC", _CONTROL_RE.sub("", text))


def _decode_raw(data: bytes, *, html: bool) -> str:
    """Try, in order: BOM, BOM-less UTF-16, UTF-8, the page's declared charset, cp1252, latin-1."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data.decode(codec, errors="replace")
    utf16 = _sniff_utf16(data)
    if utf16:
        return data.decode(utf16, errors="replace")
    candidates = ["utf-8"]
    if html:
        candidates += _declared_charsets(data)
    for codec in [*candidates, "cp1252"]:
        try:
            return data.decode(codec)
        except (UnicodeDecodeError, LookupError):
            continue
    return data.decode("latin-1")


def _sniff_utf16(data: bytes) -> str | None:
    """Spot BOM-less UTF-16 by its NUL bytes: mostly-ASCII text has NUL in every other byte."""
    sample = data[: _SNIFF_BYTES - _SNIFF_BYTES % 2]
    if len(sample) < 4:
        return None
    half = len(sample) // 2
    even_nuls = sample[0::2].count(0) / half
    odd_nuls = sample[1::2].count(0) / half
    if odd_nuls > 0.4 and even_nuls < 0.05:
        return "utf-16-le"
    if even_nuls > 0.4 and odd_nuls < 0.05:
        return "utf-16-be"
    return None


def _declared_charsets(data: bytes) -> list[str]:
    """Charsets named by <meta charset> or http-equiv content-type, as Python codec names."""
    names = []
    for match in _META_CHARSET_RE.finditer(data[: _SNIFF_BYTES * 4]):
        name = match.group(1).decode("ascii", "ignore").lower()
        # Browsers read latin-1 labels as windows-1252 (WHATWG encoding standard).
        # A UTF-16 label in an 8-bit page is a lie the standard reads as UTF-8.
        if name.startswith(("utf-16", "utf16")):
            name = "utf-8"
        names.append("cp1252" if name in {"iso-8859-1", "latin1", "latin-1", "ascii"} else name)
    return names


def _looks_binary(text: str) -> bool:
    """True when control characters make up more than a sliver of the text."""
    sample = text[: _SNIFF_BYTES * 4]
    if not sample:
        return False
    return "\x00" in sample or len(_CONTROL_RE.findall(sample)) / len(sample) > 0.02
