"""Page residue lines (archive/ingest/residue.py): the keyword prefilter says what the regexes would."""

import re

import pytest

from archive.ingest.residue import is_residue_line, keyword_text


def test_keyword_text_maps_every_character_ignorecase_takes_for_an_ascii_letter():
    letter = re.compile("[a-z]", re.IGNORECASE)
    odd = [chr(c) for c in range(0x80, 0x110000) if letter.fullmatch(chr(c))]
    assert odd  # the dotless i, the long s, the Kelvin sign ...
    for ch in odd:
        mapped = keyword_text(ch)
        assert len(mapped) == 1 and re.fullmatch(mapped, ch, re.IGNORECASE), ch


@pytest.mark.parametrize(
    "line",
    [
        "Subscribe to our NEWSLETTER today",
        "Enter the captcha below",
        "A view of the harbour (Photo by Jane Roe)",
        "The mayor at the opening via Getty Images",
        "The council met on Tuesday and voted for the plan … Read more",
        "We use cookies, please accept them",
        "We use COOKİES, please accept them",  # a dotted capital I: IGNORECASE still matches
    ],
)
def test_lines_whose_keyword_stands_anywhere_are_residue(line):
    assert is_residue_line(line)


def test_prose_that_mentions_a_keyword_stays():
    line = (
        "The newsletter that the library sent to its readers last spring said that the reading "
        "room would close for repairs, and most of its readers could not visit it until autumn."
    )
    assert not is_residue_line(line)


@pytest.mark.parametrize(
    "line",
    ["Foto: Jane Roe", "Bild: Jane Roe / Agentur", "Abbildung: Ein Vergleich zweier Gletscher",
     "Der Sieger im Ziel. (Foto: privat)", "Crédit photo : Jane Roe", "Fotó: Jane Roe", "Imagen: Jane Roe"],
)
def test_picture_credits_in_many_languages_are_residue(line):
    assert is_residue_line(line)


@pytest.mark.parametrize(
    "line",
    ["Bildung ist wichtig: das sagt jeder.", "Fotografen zeigen: nichts ist, wie es scheint.",
     "Die Fotos zeigen: das Dorf war leer."],
)
def test_words_that_start_like_a_credit_stay(line):
    assert not is_residue_line(line)
