"""A whole result set, or one article, as a file: CSV, RIS, BibTeX or CSL-JSON.

The engine gives the ids of every match in rank order (up to ``DOSSIER_EXPORT_LIMIT``, in one
request); the rows come from the ORM in batches, in that order, and each writer turns them
into text one record at a time, so an export of thousands of articles is streamed, never held
whole in memory. What a record says comes from ``archive.citation``, as on the article page.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from urllib.parse import quote

from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils.text import slugify

from archive import citation
from archive.models import Article, ArticleAuthor, DatePrecision
from search import query
from search.backends import get_backend
from search.parsing import parse_query
from search.query import SearchRequest

BATCH = 500  # rows fetched per query
CHUNK = 200  # records per piece of the streamed body
Record = tuple[Article, str]  # an article and its absolute URL in this archive
PK_MARK, SLUG_MARK = 987654321, "slug-mark"
EXPORTED_FIELDS = ("title", "slug", "published", "date_precision", "source_url", "lede",
                   "language", "word_count", "outlet__name")


class NothingToExport(ValueError):
    """The search cannot be run as given; the message says why, for a 400."""


@dataclass(frozen=True)
class ExportSet:
    ids: list[int]  # rank order, at most the limit
    total: int  # every match


def result_ids(request: SearchRequest, limit: int) -> ExportSet:
    """Ids of the first ``limit`` matches of a search, in the order the search page shows."""
    parsed = parse_query(request.q) if request.q.strip() else None
    if parsed is not None and parsed.query is None:
        raise NothingToExport(parsed.note or "The query has nothing to search for.")
    wanted = query.match_request(request, parsed.query if parsed else None, page=1,
                                 per_page=limit)
    found = get_backend().match(dataclasses.replace(wanted, facets=False))
    if not found.searchable:
        raise NothingToExport(query.TOO_COMMON)
    return ExportSet(found.ids, found.total)


class Byline:
    """An author as an export names them (read in bulk, never as a model)."""

    __slots__ = ("name",)

    def __init__(self, name: str):
        self.name = name


class ListedArticle:
    """An article with its byline read in bulk: it answers as the ``Article`` does to
    ``archive.citation``. Django's prefetch would clone a queryset per article, which for
    ten thousand rows costs more than writing them."""

    __slots__ = ("article", "author_list")

    def __init__(self, article: Article, author_list: list[Byline]):
        self.article, self.author_list = article, author_list

    def __getattr__(self, name: str):
        return getattr(self.article, name)


def articles_in_order(ids: list[int], batch: int | None = None) -> Iterator[ListedArticle]:
    """The articles of ``ids`` in that order, two queries per ``BATCH`` rows (articles with
    their outlets, then bylines), reading only the columns an export writes."""
    batch = batch or BATCH
    rows = Article.objects.select_related("outlet").only(*EXPORTED_FIELDS)
    for start in range(0, len(ids), batch):
        chunk = ids[start:start + batch]
        found = rows.in_bulk(chunk)
        bylines: dict[int, list[Byline]] = defaultdict(list)
        for article_id, name in (ArticleAuthor.objects.filter(article_id__in=chunk)
                                 .order_by("article_id", "position")
                                 .values_list("article_id", "author__name")):
            bylines[article_id].append(Byline(name))
        yield from (ListedArticle(found[pk], bylines[pk]) for pk in chunk if pk in found)


def records(articles: Iterable[Article], base_url: str) -> Iterator[Record]:
    """Each article with its absolute URL (``base_url`` is scheme and host). The URL is the
    article route's with the id and slug put in, which costs far less than ``reverse()`` per
    row; slugs are URL-safe as they are."""
    pattern = reverse("archive:article", args=[PK_MARK, SLUG_MARK])
    for article in articles:
        path = pattern.replace(str(PK_MARK), str(article.pk), 1).replace(
            SLUG_MARK, article.slug or "article", 1)
        yield article, base_url + path


def _flat(value: str) -> str:
    """One line: tag formats end a field at a line break."""
    return " ".join(value.split())


# CSV -----------------------------------------------------------------------------------------

CSV_HEADER = ["id", "title", "authors", "outlet", "published", "date_precision", "source_url",
              "url", "lede", "word_count", "language"]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class _Line:
    """What ``csv.writer`` writes to: it hands back each formatted row."""

    def write(self, value: str) -> str:
        return value


def csv_cell(value: str) -> str:
    """A text cell a spreadsheet will not run as a formula (OWASP's CSV injection advice)."""
    return "'" + value if value.startswith(FORMULA_START) else value


def csv_rows(rows: Iterable[Record]) -> Iterator[str]:
    writer = csv.writer(_Line())
    yield writer.writerow(CSV_HEADER)
    for article, url in rows:
        yield writer.writerow([
            article.pk, *map(csv_cell, [
                article.title, "; ".join(a.name for a in article.author_list),
                article.outlet.name if article.outlet_id else ""]),
            article.published_iso or "", article.date_precision,
            csv_cell(article.source_url), url, csv_cell(article.lede), article.word_count,
            csv_cell(article.language),
        ])


# RIS -----------------------------------------------------------------------------------------


def ris_date(article: Article) -> str | None:
    """RIS's "YYYY/MM/DD/": "2017/02//" for a month, nothing finer than is known."""
    if article.date_precision == DatePrecision.DAY:
        return article.published.strftime("%Y/%m/%d/")
    if article.date_precision == DatePrecision.MONTH:
        return article.published.strftime("%Y/%m//")
    return None


def ris_record(article: Article, url: str) -> str:
    """One ``TY  - NEWS`` record; authors family name first, in byline order."""
    tags = [("TY", "NEWS"), ("ID", f"dossier-{article.pk}"), ("TI", article.title)]
    tags += [("AU", citation.split_name(a.name).inverted) for a in article.author_list]
    if article.published:
        tags.append(("PY", str(article.published.year)))
    if da := ris_date(article):
        tags.append(("DA", da))
    if article.outlet_id:
        tags.append(("T2", article.outlet.name))
    tags += [("UR", u) for u in dict.fromkeys([citation.cited_url(article, url), url])]
    if article.lede:
        tags.append(("AB", article.lede))
    if article.language:
        tags.append(("LA", article.language))
    lines = [f"{tag}  - {_flat(value)}" for tag, value in tags if _flat(value)]
    return "\n".join([*lines, "ER  - ", "", ""])


def ris_records(rows: Iterable[Record]) -> Iterator[str]:
    for article, url in rows:
        yield ris_record(article, url)


# BibTeX --------------------------------------------------------------------------------------

# Braces as commands, not \{ and \}: BibTeX counts an escaped brace when it balances a field.
TEX_SPECIAL = {"\\": r"\textbackslash{}", "{": r"\textbraceleft{}", "}": r"\textbraceright{}",
               "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
               "^": r"\textasciicircum{}", "~": r"\textasciitilde{}"}
TEX_RE = re.compile("|".join(re.escape(c) for c in TEX_SPECIAL))
AND_WORD = re.compile(r"(?:^|\s)and(?:\s|$)", re.IGNORECASE)
MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]


def tex(value: str) -> str:
    """Text for a braced BibTeX field: LaTeX's special characters escaped, so the field's
    braces always balance and nothing in it is read as a command."""
    return TEX_RE.sub(lambda m: TEX_SPECIAL[m.group()], _flat(value))


def tex_url(value: str) -> str:
    """A URL for the ``url`` field, read verbatim by biblatex: braces, backslashes and spaces
    percent-encoded, everything else kept."""
    return quote(value, safe="".join(chr(c) for c in range(33, 127) if chr(c) not in "{}\\"))


def bibtex_name(name: str) -> str:
    """"Lain, Sarah"; a name that does not split, or that holds a word "and" (BibTeX's
    separator between names, in any case), braced whole."""
    person = citation.split_name(name)
    if person.literal or AND_WORD.search(person.inverted):
        return "{" + tex(name) + "}"
    return tex(person.inverted)


def _ascii_word(value: str) -> str:
    return re.sub(r"[^a-z0-9]", "", unicodedata.normalize("NFKD", value).lower())


def bibtex_key(article: Article) -> str:
    """"lain2017sanctions-3": family name, year, first long title word, and the article id,
    which keeps keys unique in any export and stable across exports."""
    authors = article.author_list
    who = (citation.split_name(authors[0].name).family or authors[0].name) if authors else (
        article.outlet.name if article.outlet_id else "anon")
    words = [w for w in (_ascii_word(w) for w in article.title.split()) if len(w) > 3]
    year = str(article.published.year) if article.published else "nd"
    return f"{_ascii_word(who)[:20] or 'anon'}{year}{words[0][:20] if words else ''}-{article.pk}"


def bibtex_entry(article: Article, url: str) -> str:
    """An ``@article`` (what Zotero writes for a newspaper article) with biblatex's ``date``
    at the date's precision beside BibTeX's ``year`` and ``month``."""
    fields = [("title", "{" + tex(article.title) + "}")]
    if article.author_list:
        fields.append(("author", "{" + " and ".join(bibtex_name(a.name)
                                                    for a in article.author_list) + "}"))
    if article.outlet_id:
        fields.append(("journal", "{" + tex(article.outlet.name) + "}"))
    if article.published:
        fields.append(("year", "{" + str(article.published.year) + "}"))
        if article.date_precision in (DatePrecision.DAY, DatePrecision.MONTH):
            fields.append(("month", MONTHS[article.published.month - 1]))
        fields.append(("date", "{" + article.published_iso + "}"))
    fields.append(("url", "{" + tex_url(citation.cited_url(article, url)) + "}"))
    if article.source_url:
        fields.append(("note", "{Archived copy: \\url{" + tex_url(url) + "}}"))
    if article.lede:
        fields.append(("abstract", "{" + tex(article.lede) + "}"))
    if article.language:
        fields.append(("language", "{" + tex(article.language) + "}"))
    body = ",\n".join(f"  {name} = {value}" for name, value in fields)
    return f"@article{{{bibtex_key(article)},\n{body}\n}}\n\n"


def bibtex_entries(rows: Iterable[Record]) -> Iterator[str]:
    for article, url in rows:
        yield bibtex_entry(article, url)


# CSL-JSON ------------------------------------------------------------------------------------


def csl_json(rows: Iterable[Record]) -> Iterator[str]:
    """A JSON array of CSL items, one item per line, written as the rows come."""
    yield "["
    for n, (article, url) in enumerate(rows):
        yield ("\n" if n == 0 else ",\n") + json.dumps(citation.csl_item(article, url),
                                                       ensure_ascii=False)
    yield "\n]\n"


# Formats and the response --------------------------------------------------------------------


@dataclass(frozen=True)
class ExportFormat:
    name: str
    label: str
    extension: str
    content_type: str
    write: Callable[[Iterable[Record]], Iterator[str]]


FORMATS = {f.name: f for f in [
    ExportFormat("csv", "CSV", "csv", "text/csv; charset=utf-8", csv_rows),
    ExportFormat("ris", "RIS", "ris", "application/x-research-info-systems; charset=utf-8",
                 ris_records),
    ExportFormat("bibtex", "BibTeX", "bib", "application/x-bibtex; charset=utf-8",
                 bibtex_entries),
    ExportFormat("csljson", "CSL-JSON", "json", "application/vnd.citationstyles.csl+json",
                 csl_json),
]}


def encoded(pieces: Iterable[str], chunk: int = CHUNK) -> Iterator[bytes]:
    """UTF-8 bytes, ``chunk`` records at a time (one write per record would cost more than
    the record)."""
    batch: list[str] = []
    for piece in pieces:
        batch.append(piece)
        if len(batch) >= chunk:
            yield "".join(batch).encode()
            batch.clear()
    if batch:
        yield "".join(batch).encode()


def file_name(stem: str, fmt: ExportFormat, today: date | None = None) -> str:
    """"dossier-crimea-sanctions-2026-12-03.ris": what was searched and when."""
    words = slugify(stem)[:60].strip("-") or "all"
    return f"dossier-{words}-{(today or date.today()).isoformat()}.{fmt.extension}"


def response(fmt: ExportFormat, articles: Iterable[Article], base_url: str, name: str,
             headers: dict[str, str] | None = None) -> StreamingHttpResponse:
    """The export as a streamed download."""
    streamed = StreamingHttpResponse(
        encoded(fmt.write(records(articles, base_url))), content_type=fmt.content_type,
        headers={"Content-Disposition": f'attachment; filename="{name}"', **(headers or {})})
    streamed["X-Content-Type-Options"] = "nosniff"
    return streamed
