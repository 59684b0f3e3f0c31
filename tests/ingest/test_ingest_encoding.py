"""Decoding: every capture becomes NFC text with "\\n" newlines, never a UnicodeDecodeError."""

from __future__ import annotations

import codecs
import unicodedata

import pytest

from archive.ingest import extract

TEXT = (
    "Café “Zürich” talks\n\n"
    + "Ministers met at the café in Zürich on Tuesday – the first meeting since the summer – "
    "and agreed that officials would keep working on the text of the agreement over the "
    "coming weeks, before a further round of talks in the autumn."
)


@pytest.mark.parametrize(
    "data",
    [
        TEXT.encode("utf-8"),
        codecs.BOM_UTF8 + TEXT.encode("utf-8"),
        TEXT.encode("utf-16"),  # with BOM
        codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"),
        TEXT.encode("utf-16-le"),  # no BOM: found by its NUL pattern
        TEXT.encode("utf-16-be"),
        TEXT.encode("cp1252"),
    ],
    ids=["utf8", "utf8-bom", "utf16-bom", "utf16be-bom", "utf16le-nobom", "utf16be-nobom", "cp1252"],
)
def test_encodings_decode_to_the_same_draft(data):
    draft = extract(data, "a.txt")
    assert draft.title == "Café “Zürich” talks"
    assert draft.body_text.startswith("Ministers met at the café in Zürich on Tuesday – the")
    assert "\ufeff" not in draft.title


def test_latin1_bytes_undefined_in_cp1252_still_decode():
    data = TEXT.replace("“", '"').replace("”", '"').replace("–", "-").encode("latin-1") + b"\x81"
    draft = extract(data, "a.txt")
    assert draft.title == 'Café "Zürich" talks'


def test_newlines_and_nfc():
    decomposed = unicodedata.normalize("NFD", TEXT)
    draft = extract(decomposed.replace("\n", "\r\n").encode("utf-8"), "a.txt")
    assert draft.title == "Café “Zürich” talks"
    assert unicodedata.is_normalized("NFC", draft.body_text)
    old_mac = extract(TEXT.replace("\n", "\r").encode("utf-8"), "a.txt")
    assert old_mac.title == "Café “Zürich” talks"
    assert "\r" not in old_mac.body_text


@pytest.mark.parametrize(
    ("declaration", "codec"),
    [
        ('<meta charset="windows-1251">', "cp1251"),
        ('<meta http-equiv="Content-Type" content="text/html; charset=koi8-r">', "koi8_r"),
        ('<meta charset="shift_jis">', "shift_jis"),
    ],
)
def test_html_declared_charset(declaration, codec):
    words = "Переговоры продолжаются в Женеве " if codec != "shift_jis" else "ジュネーブで交渉続く "
    page = (
        f"<html><head>{declaration}<title>{words}</title></head><body><article>"
        + "".join(f"<p>{words * 12}</p>" for _ in range(5))
        + "</article></body></html>"
    )
    draft = extract(page.encode(codec), "page.html")
    assert draft.title == words.strip()
    assert words.strip() in draft.body_text


def test_bbc_file_that_is_not_utf8(bbc_files):
    data = next(v for k, v in bbc_files.items() if k.endswith("sport/199.txt"))
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    draft = extract(data, "199.txt")
    assert draft.title == "Chelsea sack Mutu"
    assert "�" not in draft.body_text
