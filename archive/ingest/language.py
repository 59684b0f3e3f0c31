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
from itertools import repeat

import justext
import numpy as np
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
def _word_languages() -> tuple[dict[str, int], np.ndarray, list[str], np.ndarray]:
    """An inverted index of the stop lists: every stop word -> the row of the set of lists it
    is on; each row's languages as a 0/1 matrix (rows x languages), the languages' names, and
    how many languages each row holds. A text's words are tallied per row, and one product
    gives every language its total."""
    index: dict[str, list[str]] = {}
    for name in justext.get_stoplists():
        if name in _ALIASES:
            continue
        for word in justext.get_stoplist(name):
            index.setdefault(word, []).append(name)
    rows: dict[tuple[str, ...], int] = {}
    words = {word: rows.setdefault(tuple(names), len(rows)) for word, names in index.items()}
    languages = sorted({name for names in rows for name in names})
    column = {name: i for i, name in enumerate(languages)}
    member = np.zeros((len(rows), len(languages)))
    for names, row in rows.items():
        member[row, [column[name] for name in names]] = 1.0
    return words, member, languages, member.sum(axis=1)


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
    index, member, languages, sizes = _word_languages()
    tally = Counter(tokens)
    rows = np.fromiter(map(index.get, tally, repeat(-1)), dtype=np.intp, count=len(tally))
    known = rows >= 0
    if not known.any():
        return "", 0.0
    rows = rows[known]
    hits, weights = member[rows], np.fromiter(tally.values(), dtype=float, count=len(tally))[known]
    counts = weights @ hits
    # "the" is on 77 lists (German's among them), "und" on few: a word tells in proportion
    # to how few languages share it.
    evidence = (weights / sizes[rows]) @ hits
    found = {languages[i]: (float(evidence[i]), int(counts[i])) for i in np.flatnonzero(counts)}
    # Ties go to the language whose list is shorter: its words are the more telling.
    best = max(found, key=lambda name: (round(found[name][0], 6), -_list_size(name), name))
    return best, found[best][1] / len(tokens)


def guess_language(text: str) -> str:
    """ISO 639 code when one language's stop words clearly dominate the text, else ""."""
    return language_code(*detect(text))


def language_code(name: str, density: float) -> str:
    """The ISO code of a detected language, or "" when its stop words were too rare to tell."""
    return _codes().get(name, "") if density >= 0.15 else ""
