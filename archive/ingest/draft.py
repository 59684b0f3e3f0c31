"""The result of ingesting one capture: a draft article the admin reviews before saving."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

# CJK ideographs and kana carry no spaces, so each character counts as a word; otherwise a
# Chinese article would look like a 3-word text.
_WORD_RE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]|[^\W_]+(?:['’][^\W_]+)*")


def count_words(text: str) -> int:
    """Words in `text`, counting each CJK character as one."""
    return len(_WORD_RE.findall(text))


@dataclass
class Draft:
    """Everything ingest could tell about a capture; unknown fields stay empty, never guessed."""

    title: str
    body_text: str
    body_html: str
    media_type: str
    authors: list[str] = field(default_factory=list)
    outlet: str | None = None
    published: datetime.date | None = None
    date_precision: str = "unknown"
    source_url: str = ""
    lede: str = ""
    language: str = ""
    author_affiliations: dict[str, str] = field(default_factory=dict)
    confidence: dict[str, float] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    # The capture's lines as ingest read them, [role, text] each (role: "title", "byline",
    # "date", "article" or "dropped"), so a reviewer sees at a glance what was kept.
    lines: list[list[str]] = field(default_factory=list)

    @property
    def word_count(self) -> int:
        """Words in the body, as shown on the article page."""
        return count_words(self.body_text)

    @property
    def paragraphs(self) -> list[str]:
        """The body split back into its paragraphs."""
        return [p for p in self.body_text.split("\n\n") if p]
