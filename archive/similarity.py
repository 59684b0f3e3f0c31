"""How much of one article's text is another's: near-duplicates, syndicated and edited copies.

A text is the set of its five-word shingles (lowercased words; punctuation and spacing do not
count). Two texts resemble each other by the share of the shorter one's shingles that the
longer one also has (containment): a wire story reprinted with a new headline, a paragraph
cut or a footer added keeps nearly all of its shingles, while two reports of the same event in
their own words share a few quotes, far below the threshold. A copy must also share half of
all the two texts hold (Jaccard): pages of one site that share a long block of site furniture
contain each other's block but little else. Both thresholds were chosen on the allsides set
(README, "Near-copies").
"""

from __future__ import annotations

import hashlib
import random
import re

import numpy as np

SHINGLE_WORDS = 5
NEAR_DUPLICATE = 0.8  # containment at or above which a text may be a copy of the other
MIN_JACCARD = 0.5  # ...and the share of both texts' shingles they have in common
BANDS, ROWS = 16, 4  # MinHash: 64 values in 16 bands of 4
_WORD_RE = re.compile(r"\w+")
# Fixed masks, so signatures stored by one process match those computed by another.
_MASK_SOURCE = random.Random(7)
_MASKS = np.array([_MASK_SOURCE.getrandbits(64) for _ in range(BANDS * ROWS)], dtype=np.uint64)


def shingles(text: str) -> frozenset[int]:
    """Stable 64-bit hashes of every run of ``SHINGLE_WORDS`` consecutive words (one run for
    a shorter text)."""
    words = _WORD_RE.findall(text.lower())
    runs = ([words] if words else []) if len(words) < SHINGLE_WORDS else (
        words[i:i + SHINGLE_WORDS] for i in range(len(words) - SHINGLE_WORDS + 1))
    return frozenset(_hash64(" ".join(run).encode()) for run in runs)


def _hash64(data: bytes) -> int:
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "little")


def bands(hashes: frozenset[int]) -> list[int]:
    """The MinHash signature of a shingle set cut into ``BANDS`` keys (signed 64-bit, as a
    database stores them). Two texts with Jaccard similarity 0.8 share a band with
    probability 0.9998; at 0.3, 0.12: candidates, confirmed by ``containment``."""
    if not hashes:
        return []
    values = np.fromiter(hashes, dtype=np.uint64, count=len(hashes))
    signature = np.bitwise_xor.outer(_MASKS, values).min(axis=1)
    rows = signature.reshape(BANDS, ROWS)
    keys = [_hash64(bytes([band]) + row.tobytes()) for band, row in enumerate(rows)]
    return [key - (1 << 64) if key >= 1 << 63 else key for key in keys]


def containment(a: frozenset[int], b: frozenset[int]) -> float:
    """The share of the smaller set's shingles that the other has (0 when either is empty)."""
    if not a or not b:
        return 0.0
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    return len(small & large) / len(small)


def jaccard(a: frozenset[int], b: frozenset[int]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def copy_resemblance(a: frozenset[int], b: frozenset[int]) -> float | None:
    """The containment of two shingle sets when they are near-copies of each other, else None."""
    score = containment(a, b)
    return score if score >= NEAR_DUPLICATE and jaccard(a, b) >= MIN_JACCARD else None


def resemblance(text: str, other: str) -> float:
    return containment(shingles(text), shingles(other))
