"""Facet counts over a whole result set, from per-segment tables of each document's values.

Whoosh's ``groupedby=`` categorizes every matching document through several layers of Python
per facet and was the dominant cost of a result page (most of a
common-word search). Segments never change once written, so each segment's (document, value)
pairs are read once from the postings and kept (``segments``); a result set is then
counted with one ``np.bincount`` per segment and field. Deleted documents are never in a
result set, so the stale pairs they leave in a table are harmless.
"""

from __future__ import annotations

from collections import Counter

from search.backends.whoosh.evaluation import Matches

# "precision" counts the undated articles (its "unknown" value), shown as the month facet's
# undated bucket.
FACET_FIELDS = {"author": "author_slug", "outlet": "outlet_slug", "topic": "topic_slug",
                "month": "month", "precision": "precision"}


def facet_counts(matches: Matches) -> dict[str, Counter]:
    """How many of the matches carry each value of each facet field."""
    return {name: Counter(matches.value_counts(field)) for name, field in FACET_FIELDS.items()}
