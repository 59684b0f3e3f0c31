"""Turning raw captures (bytes and a file name) into clean article drafts.

Pure Python: no Django, no ORM, so every rule here is tested with plain inputs.
"""

from .archives import expand_upload
from .draft import Draft, count_words
from .errors import IngestError
from .html_meta import http_url
from .keys import body_fingerprint, normalize_name
from .pipeline import extract
from .sanitize import sanitize_html, text_to_html

__all__ = [
    "Draft",
    "IngestError",
    "body_fingerprint",
    "count_words",
    "expand_upload",
    "extract",
    "http_url",
    "normalize_name",
    "sanitize_html",
    "text_to_html",
]
