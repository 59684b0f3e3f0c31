"""Matching keys: the same author, outlet or article text must map to the same key."""

from __future__ import annotations

import hashlib
import re
import unicodedata

_APOSTROPHES_RE = re.compile(r"['’ʼ`´]")
_NON_WORD_RE = re.compile(r"[\W_]+")
# Only the Latin/Greek/Cyrillic accents: marks in Indic or Thai script are letters' vowels.
_ACCENTS_RE = re.compile("[\u0300-\u036f]")


_QUOTES = str.maketrans(
    {c: "'" for c in "‘’‚‛′`´"} | {c: '"' for c in "“”„‟″«»"} | {c: "-" for c in "‐‑‒–—―−"}
)


def fold_quotes(text: str) -> str:
    """NFKC with curly quotes, primes and dashes folded to ASCII: how two sources (or a page
    and its annotation) write the same headline differently."""
    return unicodedata.normalize("NFKC", text or "").translate(_QUOTES)


def _fold(text: str) -> str:
    """NFKC, casefold, drop accents, apostrophes and punctuation, collapse whitespace."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = unicodedata.normalize("NFC", _ACCENTS_RE.sub("", unicodedata.normalize("NFD", text)))
    text = _APOSTROPHES_RE.sub("", text)
    return _NON_WORD_RE.sub(" ", text).strip()


def normalize_name(name: str) -> str:
    """Key for matching authors and outlets: "Mara Lindqvist*" and "mara  lindqvist" agree."""
    return _fold(name)


def body_fingerprint(body_text: str) -> str:
    """SHA-256 hex of the folded body, so a re-scrape with other quotes or spacing hashes equal."""
    return hashlib.sha256(_fold(body_text).encode("utf-8")).hexdigest()
