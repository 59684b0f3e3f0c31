"""The language of a text, and its stop words: jusText's lists for about 100 languages.

Stop-word density is what tells a sentence of prose from a menu entry in any language, so
the same lists serve both the guess and the line classifier in text.py. Codes come from
CLDR (through Babel) so the Draft stores ISO 639 codes, not jusText's English names.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import cache

import justext
from babel import Locale

_TOKEN_RE = re.compile(r"[^\W\d_]+")
# jusText lists that duplicate another under a second name.
_ALIASES = {"Simple_English": "English", "Belarusian_Taraskievica": "Belarusian"}
_MIN_TOKENS = 20
_SAMPLE_CHARS = 8000  # a few paragraphs tell the language; whole pages only cost time


def _ascii(name: str) -> str:
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()


@cache
def _codes() -> dict[str, str]:
    """jusText's list name -> ISO 639 code, by CLDR's English language names."""
    by_name = {_ascii(name).replace("-", " "): code
               for code, name in Locale("en").languages.items() if "_" not in code}
    codes = {}
    for name in justext.get_stoplists():
        key = _ascii(_ALIASES.get(name, name)).replace("_", " ")
        codes[name] = by_name.get(key, "")
    return codes


@cache
def _word_languages() -> dict[str, tuple[str, ...]]:
    """Every stop word -> the lists it is on (an inverted index: one pass counts all languages)."""
    index: dict[str, list[str]] = {}
    for name in justext.get_stoplists():
        if name in _ALIASES:
            continue
        for word in justext.get_stoplist(name):
            index.setdefault(word, []).append(name)
    return {word: tuple(names) for word, names in index.items()}


@cache
def _list_size(name: str) -> int:
    return len(justext.get_stoplist(name))


@cache
def stop_words(language: str) -> frozenset[str]:
    """The stop words of a language (ISO code or jusText name); English when unknown."""
    names = {code: name for name, code in _codes().items() if code and name not in _ALIASES}
    name = names.get(language, language if language in _codes() else "English")
    return frozenset(justext.get_stoplist(name))


def detect(text: str) -> tuple[str, float]:
    """(jusText list name, stop-word density in it) for the language whose stop words dominate."""
    tokens = _TOKEN_RE.findall(text[:_SAMPLE_CHARS].casefold())
    if len(tokens) < _MIN_TOKENS:
        return "", 0.0
    index = _word_languages()
    counts: Counter[str] = Counter()
    evidence: Counter[str] = Counter()
    for token, times in Counter(tokens).items():
        names = index.get(token, ())
        for name in names:
            counts[name] += times
            # "the" is on 77 lists (German's among them), "und" on few: a word tells in
            # proportion to how few languages share it.
            evidence[name] += times / len(names)
    if not counts:
        return "", 0.0
    # Ties go to the language whose list is shorter: its words are the more telling.
    best = max(evidence, key=lambda name: (round(evidence[name], 6), -_list_size(name), name))
    return best, counts[best] / len(tokens)


def guess_language(text: str) -> str:
    """ISO 639 code when one language's stop words clearly dominate the text, else ""."""
    return language_code(*detect(text))


def language_code(name: str, density: float) -> str:
    """The ISO code of a detected language, or "" when its stop words were too rare to tell."""
    return _codes().get(name, "") if density >= 0.15 else ""
