"""A cheap language guess for raw text: share of very common function words."""

from __future__ import annotations

import re
from collections import Counter

_STOPWORDS = {
    "en": "the of and to in is that for it was on with as be by this are have from",
    "fr": "le la les de des et un une est que pour dans qui sur pas du au avec",
    "de": "der die das und ist nicht zu den von mit sich des auf für ein eine dem",
    "es": "el la los las de que y en un una es por con para del se al",
    "it": "il di che la per un una del della sono non con si le gli nel",
    "pt": "o a os as de que e do da em um uma para com não dos das",
    "nl": "de het een en van in is dat op te zijn voor met die niet",
}
_SETS = {code: frozenset(words.split()) for code, words in _STOPWORDS.items()}
_TOKEN_RE = re.compile(r"[^\W\d_]+")


def guess_language(text: str) -> str:
    """ISO 639-1 code when one language's function words clearly dominate, else ""."""
    tokens = _TOKEN_RE.findall(text[:5000].casefold())
    if len(tokens) < 20:
        return ""
    counts = Counter(tokens)
    scores = {code: sum(counts[w] for w in words) / len(tokens) for code, words in _SETS.items()}
    best = max(scores, key=scores.__getitem__)
    runner_up = max(v for k, v in scores.items() if k != best)
    return best if scores[best] >= 0.12 and scores[best] >= 1.5 * runner_up else ""
