"""The engine's derived copy of the articles, as Django models so migrations create the tables
and a test database flush empties them; the engine reads and writes them with SQL
(``search.backends.postgres.sql``), never through these classes.
"""

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models


class SearchDocument(models.Model):
    """One article: its weighted words (title A, names B, lede C, body D; stop words left
    out), the field-query words of its names and topics, its facet values and signature."""

    article_id = models.BigIntegerField(primary_key=True)
    document = SearchVectorField()
    author_words = SearchVectorField()
    outlet_words = SearchVectorField()
    topic_words = SearchVectorField()
    authors = ArrayField(models.TextField(), default=list)
    outlet = models.TextField(blank=True)
    topics = ArrayField(models.TextField(), default=list)
    month = models.TextField(blank=True)  # YYYY-MM for day and month precision, else ""
    precision = models.TextField()
    published = models.DateField(null=True)  # the first day the known date can be
    published_end = models.DateField(null=True)  # the last
    signature = models.TextField()

    class Meta:
        db_table = "search_pg_document"
        indexes = [GinIndex(fields=["document"], name="search_pg_document_gin")]

    def __str__(self) -> str:
        return f"search document of article {self.article_id}"


class SearchParagraph(models.Model):
    """One paragraph of an article's text (a title, a lede or body paragraph, a name) with
    every word and its position, stop words kept: phrases and proximity are matched here,
    so they mean their exact words and never span two paragraphs."""

    article_id = models.BigIntegerField(db_index=True)
    words = SearchVectorField()

    class Meta:
        db_table = "search_pg_paragraph"
        indexes = [GinIndex(fields=["words"], name="search_pg_paragraph_gin")]

    def __str__(self) -> str:
        return f"a paragraph of article {self.article_id}"


class SearchWord(models.Model):
    """A word the archive holds (lowercased, unstemmed) with its stem and where it was seen
    (0 a name, 1 a title, 2 the text): "did you mean", wildcards and fuzzy words read it."""

    word = models.TextField(primary_key=True)
    stem = models.TextField(db_index=True)
    rank = models.SmallIntegerField()

    class Meta:
        db_table = "search_pg_word"

    def __str__(self) -> str:
        return self.word


class SearchVersion(models.Model):
    """One row, bumped by every write of documents: what ``version()`` reports."""

    version = models.BigIntegerField(default=0)

    class Meta:
        db_table = "search_pg_version"

    def __str__(self) -> str:
        return f"search version {self.version}"
