"""Publication dates with their precision: "February 2017" is a month, never 1 February.

Dates are read in the written forms of many languages ("3. März 2019", "1er mars 2019",
"3 de marzo de 2019", "2019. március 3.", "3 марта 2019", "16.01.2020, 14:32 Uhr"). Month
and weekday names come from the CLDR data Babel ships, so no language's spelling is typed
here; all forms are one regex, compiled at import, so checking a line stays cheap.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from functools import lru_cache
from typing import NamedTuple

from babel.dates import get_day_names, get_month_names

DAY, MONTH, YEAR, UNKNOWN = "day", "month", "year", "unknown"

# Languages whose month names are read, earliest first where two spell a month alike
# (Czech and Polish "listopad" is November, Croatian October).
_LOCALES = (
    "en", "de", "de_AT", "fr", "es", "it", "pt", "nl", "pl", "cs", "sk", "sv", "da", "nb",
    "fi", "hu", "ru", "uk", "tr", "ro", "sl", "hr", "ca",
)  # fmt: skip
# Abbreviations are left out where they collide with other languages' months or with
# common words ("led", "pro", "lip"); those languages write the full name in running text.
_NO_ABBREVIATIONS = {"cs", "sk", "hr"}


def _names() -> tuple[dict[str, int], set[str]]:
    """Casefolded month names (wide and abbreviated, format and stand-alone) and weekdays."""
    months: dict[str, int] = {}
    weekdays: set[str] = set()
    widths = ("wide", "abbreviated")
    for locale in _LOCALES:
        for width in widths:
            if width == "abbreviated" and locale in _NO_ABBREVIATIONS:
                continue
            for context in ("format", "stand-alone"):
                for number, name in get_month_names(width, context, locale).items():
                    key = name.casefold().rstrip(".")
                    if len(key) >= 3 and not any(c.isdigit() for c in key):
                        # "KASIM" matches "kasım" case-insensitively but folds to "kasim".
                        for spelling in (key, key.upper().casefold()):
                            months.setdefault(spelling, number)
                for name in get_day_names(width, context, locale).values():
                    key = name.casefold().rstrip(".")
                    if len(key) >= 2:
                        weekdays.add(key)
    return months, weekdays


_MONTHS, _WEEKDAYS = _names()
# Any word stands in the regex where a month name may; the word is then looked up, which
# keeps the regex small and fast where an alternation of every name in every language is not.
_WORD = r"[^\W\d_]{3,}+(?:-[^\W\d_]++)?"
_NAME = rf"(?<![^\W\d_]){_WORD}\.?(?![^\W\d_])"
_YEAR4 = r"(?:19|20)\d\d"
# A year may run straight into a second date ("12. März 202111. März 2021"), as blog
# themes print the published and updated dates without a space between them.
_YEAR_END = r"(?:(?![\d:])|(?=[0-3]?\d\.\s)|(?=[0-3]?\d[./-][01]?\d[./-])|(?=[0-2]?\d:[0-5]\d(?!\d)))"
_ORDINAL = r"(?:st|nd|rd|th|er|ᵉʳ|º|°)?"
# Time zones written after a time.
_ZONE = (
    r"(?:(?:utc|gmt|cest|cet|mesz|mez|est|edt|cst|cdt|mst|mdt|pst|pdt|bst|ist|et|pt|ct)"
    r"(?:[+-]\d{1,2})?\b)"
)
_TIME = (
    r"(?:(?:\s*[,|–—-]\s*|\s*@\s*|\s+|T|(?<=\d)(?=\d))"
    r"(?:(?:um|at|à|a\s+las|alle|às|om|kl\.?|klo\.?|saat|в|o)\s+\d{1,2}[:.hH]\d\d"
    r"|\d{1,2}(?:[:hH]\d\d|\.\d\d(?=\s*(?:uhr|h)\b)))(?::\d\d(?:[.,]\d+)?)?"
    rf"(?:\s*(?:uhr|hs?\b|z\b|[ap]\.?m\.?|[+-]\d\d:?\d\d|{_ZONE}))*)?"
)
# "2019 r.", "2019 г.": the year abbreviation some languages write after the year.
_YEAR_WORD = r"(?:\s?(?:r|г|р)\.)?"

# Each form names its groups <field>_<form> and is itself the group <form>, so a match's
# last group says which form it was and where its year, month and day are.
_DIGIT_FORMS = dict(
    # 2020-01-16, 2020-01-16T10:00:00+01:00
    iso=rf"(?<!\d)(?P<y_iso>{_YEAR4})-(?P<m_iso>[01]?\d)-(?P<d_iso>[0-3]?\d)(?!\d){_TIME}",
    # 2020/01/16, 2020.01.16, 2020. 01. 16.
    ymd=rf"(?<!\d)(?P<y_ymd>{_YEAR4})\.?\s?(?P<s_ymd>[/.])\s?(?P<m_ymd>[01]?\d)\s?(?P=s_ymd)\s?"
    rf"(?P<d_ymd>[0-3]?\d)(?!\d)\.?{_TIME}",
    # 2020年1月16日, 2020년 1월 16일
    cjk=r"(?<!\d)(?P<y_cjk>(?:19|20)\d\d)\s*[年년]\s*(?P<m_cjk>[01]?\d)\s*[月월]"
    r"(?:\s*(?P<d_cjk>[0-3]?\d)\s*[日일])?",
    # 16.01.2020, 16. 01. 2020, 16/01/2020, 01/16/2020, 16-01-2020, 16.01.20
    num=rf"(?<![\d.])(?P<a_num>[0-3]?\d)\s?(?P<s_num>[./-])\s?(?P<b_num>[01]?\d)\s?(?P=s_num)\s?"
    rf"(?P<y_num>{_YEAR4}{_YEAR_END}|\d\d(?![\d:])){_TIME}",
    # 2019-03
    ym=rf"(?<!\d)(?P<y_ym>{_YEAR4})-(?P<m_ym>[01]\d)(?![\d-])",
    # 2019. március 3.
    ymn=rf"(?<!\d)(?P<y_ymn>{_YEAR4})\.?\s+(?P<m_ymn>{_NAME})\s*(?P<d_ymn>[0-3]?\d)(?!\d)\.?{_TIME}",
    # 3. März 2019, 1er mars 2019, 3 de marzo de 2019, 3 марта 2019, 12.Okt.18, 29 / Dez / 2022
    dmy=rf"(?<!\d)(?P<d_dmy>[0-3]?\d){_ORDINAL}\.?\s*[/.-]?\s*(?:(?:de|of)\s+)?(?P<m_dmy>{_NAME})"
    rf"\s*[,/.-]?\s*(?:del?\s+)?(?P<y_dmy>{_YEAR4}{_YEAR_END}|\d\d(?![\d:])){_YEAR_WORD}{_TIME}",
)
_WORD_FORMS = dict(
    # March 3, 2019, Dezember 26, 2019, November 21st 2018
    mdy=rf"(?P<m_mdy>{_NAME})\s*[-/]?\s*(?P<d_mdy>[0-3]?\d){_ORDINAL}(?:\s*,\s*|\s+|\s*[-/]\s*)"
    rf"(?P<y_mdy>{_YEAR4}){_YEAR_END}{_TIME}",
    # März 2019, marzo de 2019, Dec. 2019
    my=rf"(?P<m_my>{_NAME})\s*[,/]?\s*(?:del?\s+)?(?P<y_my>{_YEAR4})(?!\d){_YEAR_WORD}",
)


def _compile(forms: dict[str, str]) -> re.Pattern[str]:
    """One regex trying the forms in order, each form its own named group."""
    return re.compile("|".join(f"(?P<{name}>{form})" for name, form in forms.items()), re.I)


_DIGIT_DATE_RE = _compile(_DIGIT_FORMS)
_WORD_DATE_RE = _compile(_WORD_FORMS)
_GROUPS = set(_DIGIT_DATE_RE.groupindex) | set(_WORD_DATE_RE.groupindex)
_NUMBER_RE = re.compile(r"\d+")
# The word before a number, where a month name stands in "March 3, 2019" or "marzo de 2019".
_WORD_BEFORE_RE = re.compile(rf"(?<![^\W\d_])({_WORD})\.?\s*+[-,/]?\s*+(?:del?\s+)?$", re.IGNORECASE)
_YEAR_ONLY_RE = re.compile(_YEAR4)
_DIGIT_RE = re.compile(r"\d")

# Words that introduce a date on a dateline ("Veröffentlicht am", "publié le", "Stand:").
_KEYWORDS = (
    r"(?:(?:first|last|zuletzt|letzte[sr]?|dernière|última|ultima)\s+)?"
    r"(?:published|posted|updated|update|dated?|created|written|released?|modified|"
    r"veröffentlicht|aktualisiert|erstellt|geschrieben|publiziert|eingetragen|erschienen|"
    r"erstveröffentlichung|erscheinungsdatum|verfasst|geändert|änderung|stand|datum|"
    r"publié|mis\s+à\s+jour|modifié|mise\s+à\s+jour|publicado|publicada|actualizado|"
    r"actualizada|pubblicato|aggiornato|opublikowano|zaktualizowano|data|gepubliceerd|"
    r"bijgewerkt|geplaatst|publicerad|uppdaterad|publiceret|opdateret|publisert|oppdatert|"
    r"julkaistu|päivitetty|publikováno|aktualizováno|közzétéve|frissítve|опубликовано|"
    r"обновлено|дата|yayınlanma|güncelleme|publicat|actualizat)"
)
# Short words that stand right before a date: "on", "am", "vom", "le", "el", "il", "em".
_INTRO = r"(?:on|am|vom|le|el|il|em|op|den|dne|dnia|the|from|at|à|a|de|del|do|på|den)"
_SEP = r"(?:[,:;|–—/·⋅•»>-]+|//)"
# A byline word: "By Jane Roe 3 March 2019", "von Jane Roe 3. März 2019".
_LABEL_WORD = r"[^\W\d_][\w’'.-]*"
_BY = r"(?:by|von|par|por|di|door|av|przez|от|tarafından)"
# A time before the date: "08:15 23.06.2021", "3:14 PM EST, March 4, 2019".
_TIME_BEFORE = rf"(?:[0-2]?\d[:.][0-5]\d\s*(?:uhr|[ap]\.?m\.?)?\s*{_ZONE}?\s*[,|–·•-]?\s*)"
_PREFIX_RE = re.compile(
    r"^[\s|/·⋅•(\[–—-]*"
    # A label ending in a separator: "Commentary, ", "Accueil | Par Jane Roe | ".
    rf"(?:[\w’'.@ |·•/,–-]{{1,40}}?\s*{_SEP}\s*)?"
    # A few words before the word introducing the date: "by Jane Roe on", "Author: X am".
    rf"(?:(?:[\w’'.@-]+\s+){{1,3}}(?=(?:{_KEYWORDS}|{_INTRO})\b)"
    # A byline ("By Jane Roe ", "Posted by Jane Roe on ") or a one- or two-word label
    # ("Energie ") with no separator; copied text often loses the space after a byline
    # word ("Veröffentlicht vonJane Roe").
    rf"|(?:{_KEYWORDS}\s+)?{_BY}(?:\s+|(?-i:(?=[A-ZÀ-ÖØ-Þ])))(?:{_LABEL_WORD}(?:\s+|$)){{1,4}}"
    rf"|(?:{_LABEL_WORD}\s+){{1,2}})?"
    rf"(?P<keyword>{_KEYWORDS}\b\s*:?\s*)?"
    rf"(?P<intro>{_INTRO}\b\s*:?\s*)?"
    r"(?:(?:den|le|el|il|the)\s+)?"
    rf"{_TIME_BEFORE}?$",
    re.IGNORECASE,
)
# What may stand between a dateline's date and a second one it carries ("17. September
# 2022 17. September 2022", "Veröffentlicht am 04.05.2021 (Letztes Update: 05.05.2021)").
_BETWEEN_RE = re.compile(
    rf"^[\s,;|/·⋅•(\[–—-]*(?:{_KEYWORDS}\b\s*:?\s*)?(?:{_INTRO}\b\s*:?\s*)?{_TIME_BEFORE}?$", re.IGNORECASE
)
_CLOCK_RE = re.compile(r"\d[:.hH]\d\d")
_CLOSE_RE = re.compile(r"\s*[)\]]")
_INTRODUCED_RE = re.compile(rf"(?<![^\W\d_])(?:{_KEYWORDS}|{_INTRO})(?![^\W\d_])", re.IGNORECASE)
# "9.-" or "14. - " right before a date opens a range; a dash between two dates joins one.
_RANGE_START_RE = re.compile(r"(?<![\d.])[0-3]?\d\.?\s*[-–—]\s*$")
_RANGE_DASH_RE = re.compile(r"\s*[-–—]\s*|\s+(?:to|bis|au|al|a)\s+", re.IGNORECASE)
_KEYWORD_RE = re.compile(rf"(?<![^\W\d_]){_KEYWORDS}(?![^\W\d_])", re.IGNORECASE)
# What follows a date that opens a paragraph: a full stop, a bar or a dash, then the text.
_OPENING_END_RE = re.compile(r"\s*(?:[.|:]|\s[–—-])\s")
_WEEKDAY_END_RE = re.compile(r"([^\W\d_]{2,}(?:-[^\W\d_]+)?)\.?\s*,?\s*(?:(?:den|le|el|il|the)\s+)?$")
_PREFIX_PUNCTUATION = " ,:;|–—-/·⋅•([\t"
_SUFFIX_PUNCTUATION = " ,:;|–—-/·⋅•)]\t"


# Words of a dateline's label that say which date it gives: the first publication, or a
# later change ("zuletzt überarbeitet am", "Letzte Änderung", "Updated").
_UPDATED_RE = re.compile(
    r"(?<![^\W\d_])(?:updated?|modified|last|aktualisiert|geändert|änderung|überarbeitet|zuletzt|"
    r"letzte[sr]?|mis\s+à\s+jour|mise\s+à\s+jour|modifié|dernière|actualizad[oa]|última|ultima|"
    r"aggiornato|zaktualizowano|bijgewerkt|uppdaterad|opdateret|oppdatert|päivitetty|aktualizováno|"
    r"frissítve|обновлено|güncelleme|actualizat)(?![^\W\d_])",
    re.IGNORECASE,
)
_PUBLISHED_RE = re.compile(
    r"(?<![^\W\d_])(?:published|posted|written|veröffentlicht|erschienen|publiziert|"
    r"erstveröffentlichung|erscheinungsdatum|geschrieben|verfasst|eingetragen|publié|publicad[oa]|"
    r"pubblicato|opublikowano|gepubliceerd|geplaatst|publicerad|publiceret|publisert|julkaistu|"
    r"publikováno|közzétéve|опубликовано|yayınlanma|publicat)(?![^\W\d_])",
    re.IGNORECASE,
)
PUBLISHED, UPDATED = "published", "updated"


class FoundDate(NamedTuple):
    """A date, how much of it the source gave, and the text around it on its line."""

    date: datetime.date
    precision: str
    prefix: str = ""
    suffix: str = ""


def date_role(found: FoundDate) -> str:
    """What a dateline's label says its date is: UPDATED, PUBLISHED, or "" when it does not say."""
    if _UPDATED_RE.search(found.prefix):
        return UPDATED
    return PUBLISHED if _PUBLISHED_RE.search(found.prefix) else ""


def parse_date(text: str) -> FoundDate | None:
    """Parse a string that is only a date ("2017-05-22", "22 février 2017", "May 2017", "2017")."""
    text = text.strip()
    if not _DIGIT_RE.search(text):
        return None
    pattern = _DIGIT_DATE_RE if text[0].isdigit() else _WORD_DATE_RE
    match = pattern.fullmatch(text)
    if match and _names_a_month(match):
        return _to_found(match, two_digit_year=_padded_day_month(_parts(match)))
    if _YEAR_ONLY_RE.fullmatch(text):
        return _build(int(text), None, None)
    return None


@lru_cache(maxsize=8192)  # a page's header, footer and headline search ask about the same lines
def find_dateline(line: str) -> FoundDate | None:
    """A date on a short dateline, e.g. "Analysis, 14 May 2018" or "2018-05-14 By X".

    Dates inside sentences are not datelines: the text before the date must be a short
    label, which keeps photo captions ("HAMBURG – JUNE 8: ...") and prose out. Relative
    dates ("vor 3 Tagen", "yesterday") are never read as a date.
    """
    line = line.strip()
    if len(line) > 120 or not _DIGIT_RE.search(line):
        return None
    found = parse_date(line)
    if found:
        return found
    for match in _date_matches(line):
        before = line[: match.start()]
        # Copied text loses the space between a byline and the date beside it ("Jane
        # Roe22. Februar 2020"), as it does after "von"; the label then ends in a letter.
        if not _is_label(before + " " if before[-1:].isalpha() else before) or _in_range(match):
            continue
        # "28.01.22 / 0 Kommentare": a padded short date opening a line is a dateline too.
        short = not before.strip() and _padded_day_month(_parts(match))
        found = _to_found(match, two_digit_year=short or bool(_INTRODUCED_RE.search(before)))
        if found:
            end = _skip_second_dates(line, match.end())
            return found._replace(
                prefix=before.strip(_PREFIX_PUNCTUATION),
                suffix=line[end:].strip(_SUFFIX_PUNCTUATION),
            )
    return None


@lru_cache(maxsize=8192)
def find_introduced_date(line: str) -> FoundDate | None:
    """A day that a publication word introduces a few words before it, in a line that is more
    than a dateline: a headline or section name glued in front, a view count after ("...
    Zukunft Geschrieben von X am 25.08.2015 22:30 (99 x gelesen)"). Page templates write
    this in every language; prose that mentions a date rarely puts such a word right before it.
    """
    for match, found in _days(line):
        before = line[: match.start()]
        keywords = list(_KEYWORD_RE.finditer(before))
        if keywords and _PREFIX_RE.match(before[keywords[-1].start() :]):
            return _around(found, match, keywords[-1].start())
    return None


def find_opening_date(line: str) -> FoundDate | None:
    """The day a paragraph opens with, set off by a full stop, bar or dash ("31. Oktober
    2023. Text", "Mitteilung vom 25. Januar 2022 | Berlin - Text"): a news item's dateline
    run into its first paragraph."""
    match, found = next(_days(line), (None, None))
    if match is None or not _OPENING_END_RE.match(line, match.end()):
        return None
    label = line[: match.start()]
    # A place or "Mitteilung vom" may stand first; "I was born on" is a sentence.
    return _around(found, match, 0) if len(label.split()) <= 2 and _is_label(label) else None


def _days(line: str) -> Iterator[tuple[re.Match[str], FoundDate]]:
    """The dates of a line that name their day, left to right."""
    if not _DIGIT_RE.search(line):
        return
    for match in _date_matches(line):
        found = _to_found(match, two_digit_year=False)
        if found is not None and found.precision == DAY and not _in_range(match):
            yield match, found


def _in_range(match: re.Match[str]) -> bool:
    """True for either end of a span of days ("9.-23. Februar 2017", "21.10.2019 – 27.10.2019"):
    an event's or an offer's period, not the day a page was published."""
    line = match.string
    if _RANGE_START_RE.search(line, 0, match.start()):
        return True
    dash = _RANGE_DASH_RE.match(line, match.end())
    if not dash:
        return False
    end = _DIGIT_DATE_RE.match(line, dash.end()) or _WORD_DATE_RE.match(line, dash.end())
    return bool(end and _names_a_month(end))


def _around(found: FoundDate, match: re.Match[str], label_start: int) -> FoundDate:
    """A found date with its label (from `label_start`) and the rest of its line."""
    line = match.string
    return found._replace(prefix=line[label_start : match.start()].strip(_PREFIX_PUNCTUATION),
                          suffix=line[match.end() :].strip(_SUFFIX_PUNCTUATION))


def _date_matches(line: str) -> Iterator[re.Match[str]]:
    """Matches of the date forms, left to right, each tried only where a number starts.

    Every date holds a number, so a line is scanned for numbers and a form is tried at
    the number or at the month word just before it; a word that is no month ("Seite 3,
    2019") is passed over without hiding a date that overlaps it.
    """
    pos = 0
    for number in _NUMBER_RE.finditer(line):
        start = number.start()
        if start < pos:
            continue
        word = _WORD_BEFORE_RE.search(line, max(pos, start - 24), start)
        if word and word.group(1).casefold() in _MONTHS:
            match = _WORD_DATE_RE.match(line, word.start())
            if match:
                yield match
                pos = match.end()
                continue
        match = _DIGIT_DATE_RE.match(line, start)
        if match and _names_a_month(match):
            yield match
            pos = match.end()


def _names_a_month(match: re.Match[str]) -> bool:
    """True unless the match's month is a word that names no month in the languages read."""
    month = _parts(match).get("m")
    return month is None or month.isdigit() or month.casefold().rstrip(".") in _MONTHS


def _is_label(before: str) -> bool:
    """True when the text before a date is a dateline's label, perhaps ending in a weekday."""
    if _PREFIX_RE.match(before):
        return True
    weekday = _WEEKDAY_END_RE.search(before)
    return bool(
        weekday and weekday.group(1).casefold() in _WEEKDAYS and _PREFIX_RE.match(before[: weekday.start()])
    )


def _skip_second_dates(line: str, end: int) -> int:
    """Where a dateline's text goes on after its date and any updated date that follows.

    The rest is searched on its own, so a date glued to the year before it still counts.
    """
    while True:
        rest = line[end:]
        match = next(_date_matches(rest), None)
        if not match or not _BETWEEN_RE.match(rest[: match.start()]):
            return end
        if not _to_found(match, two_digit_year=False):
            return end
        end += match.end()
        close = _CLOSE_RE.match(line, end)
        if close:
            end = close.end()


def _to_found(match: re.Match[str], *, two_digit_year: bool) -> FoundDate | None:
    """A match of the date regex to a FoundDate, if the date exists.

    Two-digit years ("16.01.20") are read only when the caller saw that the text is a date
    or a time follows ("16.01.20, 14:32"); alone they are as likely a version or a score.
    """
    parts = _parts(match)
    year = parts["y"]
    if len(year) == 2:
        year_end = match.end(f"y_{match.lastgroup}")
        if not (two_digit_year or _CLOCK_RE.search(match.string, year_end, match.end())):
            return None
        year = "20" + year
    if "a" in parts:
        first, second = int(parts["a"]), int(parts["b"])
        day, month = (second, first) if first <= 12 < second else (first, second)
    else:
        month = _month_number(parts["m"])
        day = int(parts["d"]) if "d" in parts else None
    return _build(int(year), month, day)


def _padded_day_month(parts: dict[str, str]) -> bool:
    """True for "31.10.23" or "05/06/22": a day and a month of two digits each, the way a site
    prints its short dates; a version or a score ("2.10.19", "3-1-20") is rarely padded, and
    a padded one has a word before it ("Version 10.12.19"), so only a line's opening counts."""
    return "a" in parts and len(parts["a"]) == len(parts["b"]) == 2


def _parts(match: re.Match[str]) -> dict[str, str]:
    """The fields a match of one form holds: y, m, d, or a and b for a numeric day and month."""
    form = match.lastgroup
    return {f: match[g] for f in "ymdab" if (g := f"{f}_{form}") in _GROUPS and match[g]}


def _month_number(text: str) -> int:
    """Month from its number or its name in one of the languages read."""
    return int(text) if text.isdigit() else _MONTHS[text.casefold().rstrip(".")]


def _build(year: int, month: int | None, day: int | None) -> FoundDate | None:
    """Anchor a partial date at its first day, rejecting impossible or far-future dates."""
    if not 1900 <= year <= datetime.date.today().year + 1:
        return None
    try:
        date = datetime.date(year, month or 1, day or 1)
    except ValueError:
        return None
    precision = DAY if day else MONTH if month else YEAR
    return FoundDate(date, precision)
