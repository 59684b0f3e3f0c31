"""Author names in raw text: bylines ("By X", "Author: X"), bare name lines and bio boxes."""

from __future__ import annotations

import re

from .keys import normalize_name

_PARTICLE_WORDS = "de da del della der den di du dos van von le la bin ibn al el ter y st."
_PARTICLES = frozenset(_PARTICLE_WORDS.split())
# Words that make a capitalised line a heading, a menu entry or a job title, not a person.
_NOT_NAME_TEXT = """
    fellow associate senior research researcher editor editors correspondent reporter writer
    staff director professor analyst contributor columnist chief deputy head manager president
    program programme institute university news edition home menu search steps note notes
    update updates contents introduction conclusion summary abstract references comments
    share related article articles opinion commentary analysis politics world business sport
    sports technology science video photo photos live latest more about contact subscribe
    freelancer a an the of and for in on to with what why how when where who is are was
"""
_NOT_NAME_WORDS = frozenset(_NOT_NAME_TEXT.split())
_NAME_TOKEN_RE = re.compile(r"(?:[^\W\d_][.]){1,3}|[^\W\d_][^\W\d_'’.-]*(?:['’-][^\W\d_]+)*\.?")
_BYLINE_RE = re.compile(
    r"(?:(?:written |posted |words |text |story )?by|authors?\s*:|written by\s*:?)\s+(?P<names>.+)",
    re.IGNORECASE,
)
_NAME_SPLIT_RE = re.compile(r"\s*(?:,|;|&|\band\b|\|)\s*")
_BIO_RE = re.compile(
    r"\*?\s*(?P<name>[^\W\d_][\w.'’ -]{2,60}?)\s+(?:is|was|has been|serves as)\s+(?P<rest>.+)",
)
_BIO_FILLER_RE = re.compile(r"^(?:(?:currently|now|also|a|an|the)\s+)+", re.IGNORECASE)
_EDGE_JUNK = " \t*†‡,.;:|–—-"


def clean_name(text: str) -> str:
    """A name without footnote marks or trailing punctuation: "Maia Otarashvili*" -> "Maia ..."."""
    return " ".join(text.strip(_EDGE_JUNK).split())


def is_name(text: str) -> bool:
    """True for a line shaped like a person's name: 2-5 capitalised words, nothing else."""
    text = clean_name(text)
    tokens = text.split()
    if not 2 <= len(tokens) <= 5 or len(text) > 60 or text.isupper():
        return False  # all-caps lines are section labels ("NOW WATCH", "USA TODAY")
    capitalised = 0
    for token in tokens:
        if token.lower() in _PARTICLES:
            continue
        if not _NAME_TOKEN_RE.fullmatch(token) or not token[0].isupper():
            return False
        if token.lower().strip(".") in _NOT_NAME_WORDS:
            return False
        capitalised += 1
    return capitalised >= 2


def parse_byline(line: str) -> tuple[list[str], dict[str, str]] | None:
    """Names (and roles) from a byline line such as "by Jane Doe and John Roe*", else None."""
    match = _BYLINE_RE.fullmatch(line.strip())
    if not match:
        return None
    names: list[str] = []
    roles: dict[str, str] = {}
    for part in _NAME_SPLIT_RE.split(match.group("names")):
        part = clean_name(part)
        part = part.title() if part.isupper() else part  # "BY JANE ROE"
        if is_name(part):
            names.append(part)
        elif names and part and len(part.split()) <= 6:
            roles.setdefault(names[-1], part)  # "By Jane Doe, Senior Fellow"
        elif part:
            return None
    return (names, roles) if names else None


def parse_bio(line: str, known: list[str]) -> tuple[str, str] | None:
    """(author, affiliation) from "*Jane Doe is Research Fellow at X. She ..." for a known author.

    Only authors already named in a byline count, or a footnote-starred name: otherwise
    an article's closing sentence "Vladimir Putin is ..." would pass for a bio.
    """
    match = _BIO_RE.fullmatch(line.strip())
    if not match:
        return None
    name = clean_name(match.group("name"))
    keys = {normalize_name(k): k for k in known}
    if normalize_name(name) in keys:
        name = keys[normalize_name(name)]
    elif not (line.lstrip().startswith("*") and is_name(name)):
        return None
    first_sentence = re.split(r"(?<=[a-z)])\.\s", match.group("rest"), maxsplit=1)[0]
    affiliation = _BIO_FILLER_RE.sub("", first_sentence.strip(" .…"))
    return name, affiliation[:200]


def same_person(a: str, b: str) -> bool:
    """True when two spellings name the same person."""
    return normalize_name(a) == normalize_name(b)
