"""Publication dates with their precision: "February 2017" is a month, never 1 February."""

from __future__ import annotations

import datetime
import re
from typing import NamedTuple

DAY, MONTH, YEAR, UNKNOWN = "day", "month", "year", "unknown"

_MONTHS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
_MONTH = (
    r"(?P<month>jan(?:uary|\.)?|feb(?:ruary|\.)?|mar(?:ch|\.)?|apr(?:il|\.)?|may|june?|july?"
    r"|aug(?:ust|\.)?|sep(?:t(?:ember)?)?\.?|oct(?:ober|\.)?|nov(?:ember|\.)?|dec(?:ember|\.)?)"
)
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_WEEKDAY = r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+)?"
_TIME = r"(?:[T\s]+\d\d?:\d\d(?::\d\d(?:\.\d+)?)?\s*(?:Z|[+-]\d\d:?\d\d|[ap]\.?m\.?|[A-Z]{2,4})?)?"
_DATE_FORMS = (
    rf"{_YEAR}-(?P<m>[01]\d)-{_DAY}{_TIME}",
    rf"{_YEAR}/(?P<m>[01]?\d)/{_DAY}",
    rf"{_WEEKDAY}{_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}{_TIME}",
    rf"{_WEEKDAY}{_MONTH}\s+{_DAY},?\s+{_YEAR}{_TIME}",
    rf"{_MONTH},?\s+{_YEAR}",
    rf"{_YEAR}-(?P<m>[01]\d)",
)
_DATE_RES = tuple(re.compile(form, re.IGNORECASE) for form in _DATE_FORMS)
_YEAR_ONLY_RE = re.compile(rf"{_YEAR}")
# What may stand before a date on a dateline: "Commentary, ", "Published on ", "Updated: ".
_PREFIX_RE = re.compile(
    r"^(?:[\w’' ]{1,30}?\s*[,:|–—-]\s*|(?:published|posted|updated|dated?|first published)"
    r"(?:\s+on)?\s*:?\s*|on\s+)?$",
    re.IGNORECASE,
)


class FoundDate(NamedTuple):
    """A date, how much of it the source gave, and the text around it on its line."""

    date: datetime.date
    precision: str
    prefix: str = ""
    suffix: str = ""


def parse_date(text: str) -> FoundDate | None:
    """Parse a string that is only a date (ISO, "22 February 2017", "May 3, 2017", "2017")."""
    text = text.strip()
    for pattern in _DATE_RES:
        match = pattern.fullmatch(text)
        if match:
            return _to_found(match)
    if _YEAR_ONLY_RE.fullmatch(text):
        return _build(int(text), None, None)
    return None


def find_dateline(line: str) -> FoundDate | None:
    """A date on a short dateline, e.g. "Commentary, 22 February 2017" or "2017-05-22 By X".

    Dates inside sentences are not datelines: the text before the date must be a short
    label, which keeps photo captions ("BONN – DECEMBER 13: ...") and prose out.
    """
    line = line.strip()
    if len(line) > 120:
        return None
    found = parse_date(line)
    if found:
        return found
    for pattern in _DATE_RES:
        match = pattern.search(line)
        if match and _PREFIX_RE.match(line[: match.start()]):
            found = _to_found(match)
            if found:
                return found._replace(
                    prefix=line[: match.start()].strip(" ,:|–—-"),
                    suffix=line[match.end() :].strip(" ,:|–—-"),
                )
    return None


def _to_found(match: re.Match[str]) -> FoundDate | None:
    """A regex match of one of the date forms to a FoundDate, if the date exists."""
    parts = match.groupdict()
    month = _month_number(parts)
    day = int(parts["day"]) if parts.get("day") else None
    return _build(int(parts["year"]), month, day)


def _month_number(parts: dict[str, str | None]) -> int | None:
    """Month from a numeric group or a (possibly abbreviated) English month name."""
    if parts.get("m"):
        return int(parts["m"])
    name = parts.get("month")
    return _MONTHS[name[:3].lower()] if name else None


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
