"""extract(): one capture's bytes and file name to a Draft, refusing what is not an article."""

from __future__ import annotations

import posixpath
import re

from .decoding import decode, refuse_binary_formats
from .draft import Draft
from .errors import IngestError
from .html import extract_html
from .text import extract_text

MAX_BYTES = 10 * 1024 * 1024
MIN_WORDS = 40
TEXT_EXTENSIONS = frozenset({".txt", ".text"})
HTML_EXTENSIONS = frozenset({".html", ".htm", ".xhtml"})
_HTML_START_RE = re.compile(
    rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.IGNORECASE | re.DOTALL
)
_ANY_TAG_RE = re.compile(rb"<(?:[a-zA-Z!/]|\x00[a-zA-Z!/])")
# A short text in a language written without spaces can hold 40 words in few "words".
_MIN_CHARS = 200


def extract(data: bytes, filename: str, *, max_bytes: int = MAX_BYTES) -> Draft:
    """Turn one uploaded capture into a Draft, or raise IngestError with a reason for admins."""
    _check_size(data, max_bytes)
    refuse_binary_formats(data)
    is_html = _is_html(data, filename)
    text = decode(data, html=is_html)
    if not text.strip():
        raise IngestError("The file contains only whitespace")
    draft = extract_html(text) if is_html else extract_text(text)
    _check_length(draft)
    _add_warnings(draft)
    return draft


def _check_size(data: bytes, max_bytes: int) -> None:
    """Refuse empty and oversized files before any parsing."""
    if not data:
        raise IngestError("The file is empty")
    if len(data) > max_bytes:
        raise IngestError(f"The file is {megabytes(len(data))} MB; the limit is {megabytes(max_bytes)} MB")


def megabytes(size: int) -> str:
    """A byte count as admins read it: "10", "0.5", "12.3"."""
    return f"{size / 1048576:.1f}".removesuffix(".0")


def _is_html(data: bytes, filename: str) -> bool:
    """HTML by extension; a .txt or extension-less file that starts like a page counts too."""
    extension = posixpath.splitext(filename.replace("\\", "/").lower())[1]
    if extension in HTML_EXTENSIONS:
        # A page saved as "text only" under an .html name has no tags to parse.
        return bool(_ANY_TAG_RE.search(data[:65536]))
    if extension == ".zip":
        raise IngestError("Zip archives are unpacked by the upload, not read as one article")
    if extension == ".pdf":
        raise IngestError("PDF files are not supported yet; save the page as HTML or text")
    if extension and extension not in TEXT_EXTENSIONS:
        raise IngestError(
            f"Unsupported file type '{extension}': upload .txt, .html, .htm or .xhtml files,"
            " or a .zip of them"
        )
    return bool(_HTML_START_RE.match(data[:4096].lstrip(b"\xef\xbb\xbf")))


def _check_length(draft: Draft) -> None:
    """Refuse a body too short to be an article (a stub, an error page, a link)."""
    if len(draft.body_text) >= _MIN_CHARS:
        return
    words = draft.word_count
    if words < MIN_WORDS:
        raise IngestError(f"The text is too short to be an article: {words} words (at least {MIN_WORDS})")


def _add_warnings(draft: Draft) -> None:
    """Tell the admin which metadata must be checked or filled in by hand."""
    if draft.published is None:
        draft.warnings.append("No publication date found")
    elif draft.date_precision != "day":
        draft.warnings.append(f"Publication date known to the {draft.date_precision} only")
    if not draft.authors:
        draft.warnings.append("No author found")
    if not draft.outlet:
        draft.warnings.append("No outlet named in the capture")
