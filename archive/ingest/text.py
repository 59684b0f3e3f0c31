"""Raw text captures (copy-pasted or scraped pages) to a Draft.

A capture is read as a list of paragraphs: page residue is dropped by general rules
(see residue.py), then a short header (title, byline, dateline, tags) is read from the
top and a footer (author box, bio, date) from the bottom; what lies between is the body.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from . import line_model, titles
from .blocks import GOOD, JUNK, LIST_ITEM_RE, NEAR, SHORT, Line, article_block, classify
from .bylines import byline_names, clean_name, is_desk_byline, is_name, parse_bio, parse_byline, same_person
from .dates import (
    PUBLISHED,
    UPDATED,
    YEAR,
    FoundDate,
    date_role,
    find_dateline,
    find_introduced_date,
    find_opening_date,
)
from .draft import Draft
from .errors import IngestError
from .language import detect, language_code, stop_words
from .outlets import find_outlet
from .residue import is_residue_line, is_stop_line, residue_mask
from .sanitize import text_to_html

_BLANK_LINES_RE = re.compile(r"\n\s*\n")
_HEADER_LIMIT = 8
MAX_UNITS = 50_000  # a capture with more lines is a dump or a list, never one article
MAX_REVIEW_LINES = 2_000  # lines kept for the review page (it shows the first few hundred)
_FOOTER_LIMIT = 40  # an author box and bio are a few lines; never walk a whole long list
_SENTENCE_END = (".", "!", "?", "”", '"', ":", ";")
_TAG_SPLIT_RE = re.compile(r"\s*,\s*")
_NEAR_BEFORE, _NEAR_AFTER, _NEAR_SUFFIX_WORDS = 12, 25, 8
_HEADER_CONFIDENCE = 0.9  # a dateline read in the header, right under the headline
_LIST_GAP = 6  # lines between two entries of a list of dated items
_DIGIT_RE = re.compile(r"\d")
_DATELINE_MAX_CHARS = 120  # find_dateline reads no longer line
_SEGMENT_SPLIT_RE = re.compile(r"\s+[|·•⋅/]\s+|\s{3,}")


@dataclass
class _Meta:
    """Metadata collected while reading a capture, with a confidence per field."""

    title: str = ""
    authors: list[str] = field(default_factory=list)
    affiliations: dict[str, str] = field(default_factory=dict)
    date: FoundDate | None = None
    confidence: dict[str, float] = field(default_factory=dict)
    listed: frozenset[str] = frozenset()  # datelines of a list (comments, teasers, archive)
    above_date: FoundDate | None = None  # a dateline above the headline, second to one below

    def add_authors(self, names: list[str], confidence: float) -> None:
        """Add names not already listed, keeping byline order."""
        for name in names:
            if not any(same_person(name, known) for known in self.authors):
                self.authors.append(name)
        self.confidence["authors"] = max(self.confidence.get("authors", 0.0), confidence)

    def date_is_update(self) -> bool:
        """True when the date found is labelled as a later change, not the publication."""
        return self.date is not None and date_role(self.date) == UPDATED

    def set_date(self, found: FoundDate, confidence: float, line: str) -> None:
        """Keep the first date found: the header's dateline beats a footer's. A date of a
        list entry is never the page's: every comment and teaser carries one; nor is a bare
        year away from the headline, which is a copyright year or a list's heading. A date
        labelled as first published replaces one labelled as the last change."""
        if found.precision == YEAR and confidence < _HEADER_CONFIDENCE:
            return
        if line in self.listed:
            return
        if self.date is None or date_role(self.date) == UPDATED and date_role(found) == PUBLISHED:
            self.date = found
            self.confidence["published"] = confidence


def _read_page(text: str, *, learned: bool = True) -> tuple[list[str], list[bool], list[Line], int, int, str]:
    """Units, residue mask, classified lines and the article block [start, end) of a capture;
    with `learned`, the block as the line model sees it and its sure furniture masked."""
    units, alone = _units(text)
    if len(units) > MAX_UNITS:
        raise IngestError(f"The file has {len(units):,} lines; one article has at most {MAX_UNITS:,}")
    mask = residue_mask(units)
    # The article's language shows in its prose lines, not in an English menu around it.
    language, density = detect("\n".join(u for u in units if u.count(" ") >= 7) or text)
    lines = classify(units, _junk(units, mask), stop_words(language or "English"), alone)
    start, end = article_block(lines)
    if end == 0:  # no line reads as prose (a short note): the whole capture is the candidate
        start, end = 0, len(units)
    elif learned:
        start, end, drop = line_model.refine(lines, start, end)
        mask = [m or i in drop for i, m in enumerate(mask)]
    return units, mask, lines, start, end, language_code(language, density)


def _junk(units: list[str], mask: list[bool]) -> list[bool]:
    """Residue to the classifier: the mask, except a headline that ends a breadcrumb trail.

    A page prints a line twice for an image's alt text and caption, and for a headline that
    is also the last item of the breadcrumb trail above it (short items: "Home", "Presse",
    then the headline, then the headline again). The second copy of such a pair stays a
    line the headline ranker can choose; the mask still keeps both copies out of the body."""
    junk = list(mask)
    for i in range(2, len(units)):
        if (junk[i] and units[i] == units[i - 1] and len(units[i - 2].split()) <= 3
                and not is_residue_line(units[i]) and not is_stop_line(units[i])):
            junk[i] = False
    return junk


def title_vectors(text: str) -> dict[int, tuple[list[float], str]]:
    """The headline ranker's candidates of a capture: features and text (for training)."""
    units, _, lines, start, end, _ = _read_page(text)
    if end == 0:
        return {}
    return {i: (v, units[i]) for i, v in titles.features(lines, start, end, _is_meta_line, is_name).items()}


def extract_text(text: str) -> Draft:
    """Turn decoded raw text into a Draft, or raise IngestError when there is no article."""
    units, mask, lines, start, end, language = _read_page(text)
    if end == 0:
        raise IngestError("No article text found in the file")
    if _clean_top(lines, start):  # nothing above the article but its header: read it in order
        heading, title_confidence = None, 0.0
    else:
        vectors = titles.features(lines, start, end, _is_meta_line, is_name)
        heading, title_confidence = titles.best_title(vectors)
    if heading is not None and heading >= end:
        heading, title_confidence = None, 0.0
    if heading is not None and heading > start:
        start = heading + 1
    top = heading + 1 if heading is not None else 0 if _clean_top(lines, start) else start
    keep = [i for i in range(top, end) if not mask[i] and _kept(lines[i], header=i < start)]
    anchor = heading if heading is not None else start
    lo = max(0, min(top, anchor - _NEAR_BEFORE) - 3 * _LIST_GAP)
    hi = min(len(units), max(end + _FOOTER_LIMIT, anchor + _NEAR_BEFORE + _NEAR_AFTER + 40) + 3 * _LIST_GAP)
    meta = _Meta(listed=_listed_datelines(units, start, end, lo, hi))
    if heading is not None:
        meta.title = units[heading]
        meta.confidence["title"] = round(0.5 + 0.5 * title_confidence, 2)
        _take_above(units[max(0, heading - 3) : heading], meta)
        above = units[heading - 1] if heading else ""
        if is_name(above) and not meta.authors:  # a bare name line right above the headline
            meta.add_authors([clean_name(above)], 0.8 if _named_again(above, units, heading - 1) else 0.6)
    known = [*meta.authors, *(clean_name(u) for u in units[top:start] if is_name(u))]
    keep += _footer_after(units, lines, end, known)
    content = [units[i] for i in keep]
    first = _read_header(content, meta)
    if meta.above_date:  # a date just above the headline, when none is under it
        meta.set_date(meta.above_date, 0.7, "")
    last = _read_footer(content, first, meta)
    body = content[first:last]
    if not body:
        raise IngestError("No article text found in the file")
    _search_near(units, lines, heading if heading is not None else start, start, end, meta)
    body_set = {keep[first + k] for k in range(len(body))}
    meta_set = {keep[k] for k in range(first)} | {keep[k] for k in range(last, len(keep))}
    draft_lines = [[_role(i, meta.title, body_set, meta_set, units), units[i]]
                   for i in range(min(len(units), MAX_REVIEW_LINES))]
    residue = [u for i, u in enumerate(units) if i not in body_set]
    outlet = find_outlet(residue, text)
    draft = _build_draft(meta, body, outlet, language)
    draft.lines = draft_lines
    return draft


def _search_near(units: list[str], lines: list[Line], anchor: int, start: int, end: int,
                 meta: _Meta) -> None:
    """A date or byline the header and footer did not give, from the lines nearest the headline.

    Lines are tried by distance from the headline, inside the article block and a little
    around it, but never past a comment section, whose every reply carries a date and a name.
    """
    limit = next((i for i in range(end, min(len(units), end + _NEAR_AFTER))
                  if is_stop_line(units[i])), min(len(units), end + _NEAR_AFTER))
    window = range(max(0, anchor - _NEAR_BEFORE), min(limit, anchor + _NEAR_BEFORE + _NEAR_AFTER + 40))
    for i in sorted(window, key=lambda i: (abs(i - anchor), i)):
        if meta.date is not None and not meta.date_is_update() and meta.authors:
            return
        unit = units[i]
        if lines[i].words > 40 or i in range(start, end) and lines[i].kind == GOOD and lines[i].words > 25:
            if meta.date is None:  # a paragraph may still open with its date
                _take_opening_date(unit, meta)
            continue
        if meta.date is None or meta.date_is_update():
            _take_near_date(unit, meta)
        bylineish = lines[i].kind not in (GOOD, NEAR) and lines[i].words <= 12 and unit != meta.title
        if not meta.authors and bylineish:
            names = _labelled_names(unit) or ([clean_name(unit)] if _name_beside_date(units, i) else [])
            if names:
                meta.add_authors(names, 0.5)


def _take_near_date(unit: str, meta: _Meta) -> None:
    """A dateline near the headline, even with a few words of metadata after it
    ("14.03.2017 18:05 (842 x gelesen)", "02.09.2018 Software"), or a date the line's own
    words introduce ("... Geschrieben von X am 25.08.2015")."""
    for seg in _segments(unit):
        found = find_dateline(seg)
        if found and len(found.suffix.split()) <= _NEAR_SUFFIX_WORDS:
            meta.set_date(found, 0.5, unit)
            return
    found = find_introduced_date(unit)
    if found and len(found.suffix.split()) <= _NEAR_SUFFIX_WORDS:
        meta.set_date(found, 0.4, unit)


def _take_opening_date(unit: str, meta: _Meta) -> None:
    """The date a paragraph opens with ("31. Oktober 2023. Text", "Mitteilung vom 3. Mai 2022 | Text")."""
    found = find_opening_date(unit)
    if found:
        meta.set_date(found, 0.4, unit)


def _labelled_names(unit: str) -> list[str]:
    """Names of a line that says it is a byline: a byline label, or a date beside the name."""
    byline = parse_byline(unit)
    if byline:
        return byline[0]
    return byline_names(unit) if find_dateline(unit) else []


def _name_beside_date(units: list[str], i: int) -> bool:
    """A bare name line directly above or below a dateline: the byline of many blogs."""
    return is_name(units[i]) and any(
        0 <= j < len(units) and find_dateline(units[j]) for j in (i - 1, i + 1)
    )


def _listed_datelines(units: list[str], start: int, end: int, lo: int, hi: int) -> frozenset[str]:
    """Datelines of units[lo:hi] that are only ever entries of a list: runs of at least three
    of one shape, a few lines apart, with at least three different dates (a comment section,
    a teaser list, a monthly archive). A run never crosses the edges of the article block
    [start, end) nor changes shape, so the article's own dateline beside a list is not taken
    for an entry. Only the lines a date may be taken from, and their neighbours, are read."""
    runs: list[list[int]] = []
    last, kind = -_LIST_GAP - 1, None
    for i in range(lo, hi):
        unit = units[i]
        found = len(unit) <= _DATELINE_MAX_CHARS and _DIGIT_RE.search(unit) and find_dateline(unit)
        if not found:
            continue
        here = (i >= start, i >= end, found.precision, not found.prefix, not found.suffix)
        if i - last > _LIST_GAP or here != kind:
            runs.append([])
        runs[-1].append(i)
        last, kind = i, here
    listed = {i for run in runs if len(run) >= 3 and len({find_dateline(units[i]).date for i in run}) >= 3
              for i in run}
    alone = {units[i] for run in runs for i in run if i not in listed}
    return frozenset(units[i] for i in listed) - alone


def _clean_top(lines: list[Line], start: int) -> bool:
    """True for a capture that starts with its article: at most a header's few lines above the
    prose and none of them page furniture, as in a text saved from a reader view or a feed."""
    return start <= _HEADER_LIMIT and all(
        line.kind != JUNK and (not line.repeated or is_name(line.text)) for line in lines[:start]
    )


def _kept(line: Line, *, header: bool) -> bool:
    """Header lines (byline, dateline, lede) may repeat in the footer; block lines may not."""
    return line.kind in (GOOD, NEAR, SHORT) if header else not line.repeated or is_name(line.text)


def _footer_after(units: list[str], lines: list[Line], end: int, known: list[str]) -> list[int]:
    """Lines after the article block that belong to it as its footer: author box, bio, date."""
    probe = _Meta(authors=list(known))
    found: list[int] = []
    for i in range(end, min(len(units), end + 8)):
        if lines[i].kind == JUNK:
            continue
        kind = _footer_kind(units[i], units[i + 1 : i + 2], probe)
        if kind is None:
            break
        if kind == "short" and not found:
            continue
        found.append(i)
        if kind == "byline" and parse_byline(units[i]):
            probe.add_authors(parse_byline(units[i])[0], 0.9)
    return found


def _role(i: int, title: str, body: set[int], meta: set[int], units: list[str]) -> str:
    """What a capture line became, for the review page."""
    if i in body:
        return "article"
    if units[i] == title:
        return "title"
    if i in meta:
        return "date" if find_dateline(units[i]) else "byline"
    return "dropped"


@lru_cache(maxsize=8192)  # the headline ranker asks about each line beside every candidate
def _is_meta_line(unit: str) -> bool:
    """A dateline or byline, whole or as one " | "-separated segment."""
    return any(find_dateline(seg) or parse_byline(seg) for seg in _segments(unit))


def _segments(unit: str) -> list[str]:
    return [seg for seg in _SEGMENT_SPLIT_RE.split(unit) if seg.strip()]


def _take_above(above: list[str], meta: _Meta) -> None:
    """Bylines and a dateline from the lines just above the headline. The date waits for the
    header: a dateline under the headline is the article's, one above it may be the page's
    own (today's date in the masthead)."""
    scratch = _Meta(listed=meta.listed)
    for unit in above:
        _take_segments(unit, scratch, 0.7)
    if scratch.authors:
        meta.add_authors(scratch.authors, scratch.confidence["authors"])
    for name, role in scratch.affiliations.items():
        meta.affiliations.setdefault(name, role)
    meta.above_date = scratch.date


def _take_segments(unit: str, meta: _Meta, confidence: float) -> None:
    """Record datelines and bylines found in a line or its " | " segments."""
    for seg in _segments(unit):
        if unit in meta.listed and find_dateline(seg):
            continue
        if not _take_dateline(seg, meta, confidence):
            _take_byline(seg, meta, confidence)


def _units(text: str) -> tuple[list[str], list[bool]]:
    """Paragraphs, and whether each stood alone between blank lines."""
    units: list[str] = []
    alone: list[bool] = []
    for block in _BLANK_LINES_RE.split(text):
        lines = [" ".join(line.split()) for line in block.split("\n")]
        lines = [line for line in lines if line]
        if _is_hard_wrapped(lines):
            lines = [" ".join(lines)]
        units.extend(lines)
        alone.extend([len(lines) == 1] * len(lines))
    return units, alone


def _is_hard_wrapped(lines: list[str]) -> bool:
    """True for a block typed at a fixed width (e-mail style), whose lines form one paragraph."""
    if len(lines) < 2 or any(LIST_ITEM_RE.match(line) for line in lines[1:]):
        return False
    return all(40 <= len(line) <= 100 for line in lines[:-1]) and len(lines[-1]) <= 100


def _read_header(units: list[str], meta: _Meta) -> int:
    """Read title, bylines, datelines and tag lines from the top; return where the body starts."""
    i = 0
    while i < min(len(units), _HEADER_LIMIT):
        unit, following = units[i], units[i + 1] if i + 1 < len(units) else ""
        # A desk's byline ("By Staff Writer") is header furniture that names nobody.
        took = _take_dateline(unit, meta, _HEADER_CONFIDENCE) or _take_byline(unit, meta, 0.9)
        if took or is_desk_byline(unit):
            i += 1
        elif not meta.title and _is_name_above_title(unit, following):
            meta.add_authors([clean_name(unit)], 0.8 if _named_again(unit, units, i) else 0.6)
            i += 1
        elif not meta.title and _is_title_like(unit):
            meta.title = unit
            meta.confidence["title"] = 0.9
            i += 1
        elif meta.title and _is_header_name(unit, following, units, i):
            meta.add_authors([clean_name(unit)], 0.8)
            i += 1
        elif meta.title and _is_tag_line(unit):
            i += 1
        else:
            break
    return i


def _read_footer(units: list[str], start: int, meta: _Meta) -> int:
    """Read an author box, bio or date after the article; return where the body ends.

    Short unlabelled lines ("Associate Fellow") only count as footer when an author
    line or date sits above them, so a short closing paragraph stays in the body.
    """
    end = len(units)
    j = len(units)
    while j > max(start + 1, len(units) - _FOOTER_LIMIT):
        kind = _footer_kind(units[j - 1], units[j : j + 1], meta)
        if kind is None:
            break
        j -= 1
        if kind != "short":
            end = j
    last_person = None
    for unit in units[end:]:
        last_person = _take_footer_line(unit, meta, last_person)
    return end


def _footer_kind(unit: str, following: list[str], meta: _Meta) -> str | None:
    """What a line at the end of a capture is: date, byline, bio, name, short, or None (body)."""
    found = find_dateline(unit)
    if found and not found.suffix:
        return "date"
    if parse_byline(unit):
        return "byline"
    if parse_bio(unit, meta.authors):
        return "bio"
    if is_name(unit) and (_is_known(unit, meta) or _bio_follows(unit, following)):
        return "name"
    words = unit.split()
    if len(words) <= 8 and (not unit.endswith(_SENTENCE_END) or len(words) <= 4):
        return "short"
    return None


def _take_footer_line(unit: str, meta: _Meta, last_person: str | None) -> str | None:
    """Record one footer line; return the person a following role line would belong to."""
    if _take_dateline(unit, meta, 0.7, allow_suffix=False):
        return last_person
    byline = parse_byline(unit)
    if byline:
        meta.add_authors(byline[0], 0.9)
        meta.affiliations.update({k: v for k, v in byline[1].items() if k not in meta.affiliations})
        return byline[0][0]
    bio = parse_bio(unit, meta.authors)
    if bio:
        meta.add_authors([bio[0]], 0.7)
        meta.affiliations.setdefault(bio[0], bio[1])
        return None
    if is_name(unit):
        meta.add_authors([clean_name(unit)], 0.7)
        return _known_spelling(unit, meta)
    if last_person and last_person not in meta.affiliations:
        meta.affiliations[last_person] = unit
    return last_person


def _take_dateline(unit: str, meta: _Meta, confidence: float, *, allow_suffix: bool = True) -> bool:
    """Record a dateline ("Commentary, 22 February 2017", "2017-05-22 By X"); True if it was one."""
    found = find_dateline(unit)
    if not found:
        return False
    byline = parse_byline(found.suffix) if found.suffix else None
    if found.suffix and not (allow_suffix and byline):
        return False
    meta.set_date(found, confidence, unit)
    if byline:
        meta.add_authors(byline[0], 0.9)
    return True


def _take_byline(unit: str, meta: _Meta, confidence: float) -> bool:
    """Record a byline line ("By X", "Author: X"); True if it was one."""
    byline = parse_byline(unit)
    if not byline:
        return False
    meta.add_authors(byline[0], confidence)
    for name, role in byline[1].items():
        meta.affiliations.setdefault(name, role)
    return True


def _is_title_like(unit: str) -> bool:
    """A headline: short, and not a sentence ending in a full stop."""
    words = unit.split()
    full_stop = unit.endswith(".") and not unit.endswith("...")
    return 0 < len(words) <= 30 and len(unit) <= 300 and not full_stop


def _is_name_above_title(unit: str, following: str) -> bool:
    """A bare name line directly above the headline ("Jane Roe" then the title)."""
    return is_name(unit) and _is_title_like(following) and not is_name(following)


def _is_header_name(unit: str, following: str, units: list[str], i: int) -> bool:
    """A bare name under the headline, confirmed by a dateline below it or a later mention."""
    if not is_name(unit):
        return False
    return bool(find_dateline(following) or _is_tag_line(following) or _named_again(unit, units, i))


def _named_again(unit: str, units: list[str], i: int) -> bool:
    """True when another line names the same person as author: a name box, byline or bio."""
    name = clean_name(unit)
    return any(_names_author(other, name) for j, other in enumerate(units) if j != i)


def _names_author(line: str, name: str) -> bool:
    """True when `line` is `name` alone, a byline listing it, or a bio about it."""
    byline = parse_byline(line)
    return (
        same_person(clean_name(line), name)
        or bool(byline and any(same_person(n, name) for n in byline[0]))
        or bool(parse_bio(line, [name]))
    )


def _bio_follows(unit: str, following: list[str]) -> bool:
    """True when the next line is a bio of the person the line names."""
    return bool(following) and bool(parse_bio(following[0], [clean_name(unit)]))


def _is_tag_line(unit: str) -> bool:
    """A list of topic tags: "Energy, Climate Policy, Europe, Trade"."""
    items = _TAG_SPLIT_RE.split(unit.strip())
    if len(items) < 3 or unit.endswith(".") or " and " in unit:
        return False
    return all(0 < len(item.split()) <= 4 and item[:1].isupper() for item in items)


def _is_known(unit: str, meta: _Meta) -> bool:
    """True when the line names an author already found."""
    return any(same_person(clean_name(unit), name) for name in meta.authors)


def _known_spelling(unit: str, meta: _Meta) -> str:
    """The byline's spelling of a name, so affiliations key on the name shown."""
    return next((n for n in meta.authors if same_person(n, clean_name(unit))), clean_name(unit))


def _build_draft(meta: _Meta, body: list[str], outlet: str | None, language: str) -> Draft:
    """Assemble the Draft, with fallbacks and warnings for what is missing."""
    title = meta.title or _title_from_body(body)
    body_text = "\n\n".join(body)
    confidence = {
        "title": meta.confidence.get("title", 0.3),
        "authors": meta.confidence.get("authors", 0.0),
        "outlet": 0.6 if outlet else 0.0,
        "published": meta.confidence.get("published", 0.0),
    }
    draft = Draft(
        title=title,
        body_text=body_text,
        body_html=text_to_html(body),
        media_type="text/plain",
        authors=meta.authors,
        outlet=outlet,
        published=meta.date.date if meta.date else None,
        date_precision=meta.date.precision if meta.date else "unknown",
        lede=_lede(body),
        language=language,
        author_affiliations=meta.affiliations,
        confidence=confidence,
    )
    if not meta.title:
        draft.warnings.append("No headline found; the title is the start of the first paragraph")
    return draft


def _lede(body: list[str]) -> str:
    """The first real paragraph: a subheading like "What happens next?" is skipped."""
    return next((p for p in body if not _is_title_like(p)), body[0])


def _title_from_body(body: list[str]) -> str:
    """First sentence of the text, cut to a headline's length."""
    sentence = re.split(r"(?<=[.!?])\s", body[0], maxsplit=1)[0]
    words = sentence.split()
    return " ".join(words[:15]) + ("…" if len(words) > 15 else "")
