"""Dossier's query language (words, "phrases", OR, field:value) in the reference engines' terms."""

from __future__ import annotations

import re

TOKEN = re.compile(r'(?P<field>\w+):(?:"(?P<fphrase>[^"]*)"|(?P<fword>[^\s"]+))'
                   r'|"(?P<phrase>[^"]*)"|(?P<word>[^\s"]+)')
FIELDS = {"title": "title", "lede": "lede", "body": "body", "author": "authors",
          "outlet": "outlet"}


def _words(text: str) -> str:
    return " ".join(re.findall(r"\w+", text))


def to_fts5(q: str) -> str:
    """An FTS5 MATCH expression: every term quoted, implicit AND, OR kept, columns filtered."""
    parts = []
    for m in TOKEN.finditer(q):
        if m["field"]:
            value = _words(m["fphrase"] if m["fphrase"] is not None else m["fword"])
            column = FIELDS.get(m["field"].lower())
            if value:
                parts.append(f'{column} : "{value}"' if column else f'"{value}"')
        elif m["phrase"] is not None:
            if value := _words(m["phrase"]):
                parts.append(f'"{value}"')
        elif m["word"] in ("OR", "AND", "NOT"):
            parts.append(m["word"])
        elif value := _words(m["word"]):
            parts.extend(f'"{w}"' for w in value.split())
    return " ".join(parts)


def to_tantivy(q: str) -> str:
    """tantivy's query language is close to ours: lower-case field names, quote values."""
    parts = []
    for m in TOKEN.finditer(q):
        if m["field"]:
            value = _words(m["fphrase"] if m["fphrase"] is not None else m["fword"])
            field = {"author": "author", "outlet": "outlet"}.get(m["field"].lower(),
                                                                 m["field"].lower())
            if value:
                parts.append(f'{field}:"{value}"')
        elif m["phrase"] is not None:
            if value := _words(m["phrase"]):
                parts.append(f'"{value}"')
        elif m["word"] in ("OR", "AND", "NOT"):
            parts.append(m["word"])
        elif value := _words(m["word"]):
            parts.extend(value.split())
    return " ".join(parts)
