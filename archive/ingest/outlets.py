"""Outlet names that a raw text capture states about itself (footers, newsletter boxes)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from .residue import keyword_text

_NAME = r"(?P<outlet>[^\W\d_][\w&'’.-]*(?: [\w&'’.-]+){0,5}?)"
# Words of newsletter names and syndication agencies (they distribute, they don't publish).
_GENERIC_WORDS = "daily weekly morning evening free email newsletter newsletters manage syndicate"
_GENERIC = frozenset(_GENERIC_WORDS.split())
_LEGAL_FORM = r"(?:,?\s*(?:LLC|Inc|Ltd|Limited|plc|GmbH|S\.A)\b\.?)?"
_EVIDENCE_RES = tuple(
    re.compile(p, re.IGNORECASE)
    for p in (
        rf"support {_NAME} research\W*",
        rf"(?:subscribe to|sign up for) (?!our\b|the\b){_NAME} newsletters?\W*",
        rf"(?:copyright\s*)?(?:©|copyright|\(c\))\s*(?:\d{{4}}\s*(?:[-–]\s*\d{{4}}\s*)?)?"
        rf"(?:by\s+)?{_NAME}{_LEGAL_FORM}\.?(?:\s*(?:all rights reserved|click here for)\b.*)?",
        rf"(?:this (?:article|piece|post|commentary|essay) )?(?:was )?(?:first |originally )"
        rf"(?:appeared|published) (?:in|on|at|by) (?:the )?{_NAME}\.?",
    )
)


def find_outlet(lines: Iterable[str], full_text: str) -> str | None:
    """The outlet a footer line names ("Support Acme Research" -> "ACME"), or None.

    The casing is taken from the way the text itself spells the name most emphatically,
    so "Acme" in a button becomes "ACME" when the text says "at ACME".
    """
    for line in lines:
        if not _may_name_outlet(keyword_text(line)):
            continue
        for pattern in _EVIDENCE_RES:
            match = pattern.fullmatch(line.strip())
            name = match.group("outlet").strip(" .,") if match else ""
            folded = name.casefold()
            if name and not _GENERIC & set(folded.split()) and "content agency" not in folded:
                return _best_casing(name, full_text)
    return None


def _may_name_outlet(lower: str) -> bool:
    """True when a lower-cased line holds a word every evidence pattern needs one of."""
    return ("support" in lower or "subscribe to" in lower or "sign up for" in lower or "©" in lower
            or "copyright" in lower or "(c)" in lower or "appeared" in lower or "published" in lower)


def _best_casing(name: str, full_text: str) -> str:
    """The spelling of `name` in the text with the most capitals (acronyms win)."""
    spellings = re.findall(rf"\b{re.escape(name)}\b", full_text, re.IGNORECASE) or [name]
    return max(spellings, key=lambda s: sum(ch.isupper() for ch in s))
