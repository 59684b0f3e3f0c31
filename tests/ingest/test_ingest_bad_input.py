"""Bad uploads are refused with their own clear reason, never a traceback."""

from __future__ import annotations

import pytest

from archive.ingest import IngestError, extract

ARTICLE = ("Headline\n\n" + "The talks went on late into the night and ended without a deal. " * 8).encode()


@pytest.mark.parametrize(
    ("data", "filename", "reason"),
    [
        (b"", "a.txt", "The file is empty"),
        (b"  \n\t\r\n  ", "a.txt", "only whitespace"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, "photo.txt", "PNG image"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 50, "photo.html", "JPEG image"),
        (b"GIF89a" + b"\x00" * 50, "anim.txt", "GIF image"),
        (b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 50, "pic.txt", "WebP image"),
        (
            b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n",
            "paper.txt",
            "PDF files are not supported yet; save the page as HTML or text",
        ),
        (b"some text", "paper.pdf", "PDF files are not supported yet"),
        (ARTICLE, "article.docx", "Unsupported file type '.docx'"),
        (ARTICLE, "article.zip", "Zip archives are unpacked by the upload"),
        (b"ab\x00cd\x01\x02\x00\x00\x00\x03" * 50 + b"\xff\xfe\x00", "data.txt", "binary data"),
        (bytes(range(1, 32)) * 20, "ctrl.txt", "binary data"),
        (b"<html><body><nav>Home</nav></body></html>", "empty.html", "No article text found"),
        (
            b"Headline\n\nToo short to be an article.",
            "short.txt",
            "too short to be an article: 6 words (at least 40)",
        ),
    ],
)
def test_refused_with_reason(data, filename, reason):
    with pytest.raises(IngestError) as caught:
        extract(data, filename)
    assert reason in str(caught.value)
    assert "Traceback" not in str(caught.value)


def test_size_limit_names_the_limit_in_mb():
    with pytest.raises(IngestError, match=r"the limit is 1 MB"):
        extract(ARTICLE + b"x" * (1024 * 1024), "big.txt", max_bytes=1024 * 1024)
    assert extract(ARTICLE, "ok.txt", max_bytes=len(ARTICLE)).title == "Headline"


def test_ingest_error_is_a_value_error():
    assert issubclass(IngestError, ValueError)


@pytest.mark.parametrize("filename", ["a.TXT", "a.text", "a.htm", "a.HTML", "a.xhtml", "noext"])
def test_accepted_extensions(filename):
    assert extract(ARTICLE, filename).body_text.startswith("The talks went on")


def test_control_characters_past_the_sniffed_sample_are_stripped():
    from archive.ingest import extract

    text = ("A Headline For The Test\n\n" + ("Words about sanctions and Moscow. " * 40 + "\n\n") * 20
            + "Late \x00 NUL and \x1b escape.\n")
    draft = extract(text.encode(), "late-nul.txt")
    assert "\x00" not in draft.body_text and "\x1b" not in draft.body_text
    assert "Late  NUL and  escape." in draft.body_text or "Late NUL and escape." in draft.body_text
