"""The indexing outbox: one row per article whose index document may be out of date."""

from django.db import models


class IndexTask(models.Model):
    """Written in the same transaction as the change; deleted once the index has committed it.

    ``article_id`` is a plain integer, not a foreign key: a deleted article's task must outlive
    its row so the drain can remove the document.
    """

    article_id = models.BigIntegerField(db_index=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"index article {self.article_id}"


class SearchState(models.Model):
    """One row: how many times the outbox drain has changed what search derives from the
    database (documents, topic membership). Page caches are keyed on it, so they follow the
    database whichever engine serves search."""

    generation = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"search generation {self.generation}"
