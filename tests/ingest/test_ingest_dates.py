"""Dates and datelines in the written forms and languages raw captures carry."""

import datetime

import pytest

from archive.ingest import extract
from archive.ingest.dates import (
    PUBLISHED,
    UPDATED,
    date_role,
    find_dateline,
    find_introduced_date,
    find_opening_date,
    parse_date,
)

D = datetime.date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2020-01-16", D(2020, 1, 16)),
        ("2020-01-16T10:00:00+01:00", D(2020, 1, 16)),
        ("16.01.2020", D(2020, 1, 16)),
        ("16. 01. 2020", D(2020, 1, 16)),
        ("16/01/2020", D(2020, 1, 16)),
        ("01/16/2020", D(2020, 1, 16)),
        ("03/04/2020", D(2020, 4, 3)),
        ("2020/01/16", D(2020, 1, 16)),
        ("2020. 01. 16.", D(2020, 1, 16)),
        ("16.01.2020, 14:32 Uhr", D(2020, 1, 16)),
        ("2020-01-16 17:11", D(2020, 1, 16)),
        ("2020年1月16日", D(2020, 1, 16)),
    ],
)
def test_numeric_forms_day_first_unless_the_first_number_cannot_be_a_month(text, expected):
    assert parse_date(text) == (expected, "day", "", "")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("22 February 2017", D(2017, 2, 22)),
        ("May 3, 2017", D(2017, 5, 3)),
        ("November 21st 2018", D(2018, 11, 21)),
        ("31. Mai 2012", D(2012, 5, 31)),
        ("3. März 2019", D(2019, 3, 3)),
        ("3. MÄRZ 2019", D(2019, 3, 3)),
        ("3. Mär. 2019", D(2019, 3, 3)),
        ("5. Jänner 2019", D(2019, 1, 5)),
        ("26 Okt 2018", D(2018, 10, 26)),
        ("Dezember 26, 2019", D(2019, 12, 26)),
        ("3 mars 2019", D(2019, 3, 3)),
        ("1er mars 2019", D(2019, 3, 1)),
        ("3 de marzo de 2019", D(2019, 3, 3)),
        ("3 marzo 2019", D(2019, 3, 3)),
        ("3 de março de 2019", D(2019, 3, 3)),
        ("3 maart 2019", D(2019, 3, 3)),
        ("3 marca 2019", D(2019, 3, 3)),
        ("3 marca 2019 r.", D(2019, 3, 3)),
        ("3. března 2019", D(2019, 3, 3)),
        ("3 mars 2019", D(2019, 3, 3)),
        ("3. marts 2019", D(2019, 3, 3)),
        ("3. mars 2019", D(2019, 3, 3)),
        ("3. maaliskuuta 2019", D(2019, 3, 3)),
        ("2019. március 3.", D(2019, 3, 3)),
        ("3 марта 2019", D(2019, 3, 3)),
        ("15 августа 2016, 13:43", D(2016, 8, 15)),
        ("3 березня 2019", D(2019, 3, 3)),
        ("3 Kasım 2019", D(2019, 11, 3)),
        ("3 KASIM 2019", D(2019, 11, 3)),
        ("29 / Dezember / 2022", D(2022, 12, 29)),
        ("24 MAR 2021 - 09:52 CET", D(2021, 3, 24)),
        ("3 May, 2022, 11:37 pm", D(2022, 5, 3)),
    ],
)
def test_month_names_in_many_languages(text, expected):
    assert parse_date(text) == (expected, "day", "", "")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("März 2019", D(2019, 3, 1)),
        ("marzo de 2019", D(2019, 3, 1)),
        ("Dec. 2019", D(2019, 12, 1)),
        ("listopad 2019", D(2019, 11, 1)),
        ("2019-03", D(2019, 3, 1)),
    ],
)
def test_a_month_alone_is_month_precision_never_a_day(text, expected):
    assert parse_date(text) == (expected, "month", "", "")


def test_a_year_alone_is_year_precision():
    assert parse_date("2017") == (D(2017, 1, 1), "year", "", "")


@pytest.mark.parametrize(
    ("line", "expected", "prefix"),
    [
        ("Posted on March 3, 2019", D(2019, 3, 3), "Posted on"),
        ("Published: 3 March 2019", D(2019, 3, 3), "Published"),
        ("Updated 2019-03-03", D(2019, 3, 3), "Updated"),
        ("Veröffentlicht am: 9. Juni 2011", D(2011, 6, 9), "Veröffentlicht am"),
        ("Erstellt am 01.11.2023", D(2023, 11, 1), "Erstellt am"),
        ("am 3. März 2019", D(2019, 3, 3), "am"),
        ("vom 3. März 2019", D(2019, 3, 3), "vom"),
        ("Stand: 03.03.2019", D(2019, 3, 3), "Stand"),
        ("publié le 3 mars 2019", D(2019, 3, 3), "publié le"),
        ("le 3 mars 2019", D(2019, 3, 3), "le"),
        ("Publicado el 3 de marzo de 2019", D(2019, 3, 3), "Publicado el"),
        ("Pubblicato il 3 marzo 2019", D(2019, 3, 3), "Pubblicato il"),
        ("Opublikowano 3 marca 2019", D(2019, 3, 3), "Opublikowano"),
        ("Datum: 3.3.2019", D(2019, 3, 3), "Datum"),
        ("Montag, 3. März 2019", D(2019, 3, 3), "Montag"),
        ("Montag, den 3. März 2019", D(2019, 3, 3), "Montag, den"),
        ("lundi 3 mars 2019", D(2019, 3, 3), "lundi"),
        ("Veröffentlicht am Fr, 24. Januar 2020, 18:18", D(2020, 1, 24), "Veröffentlicht am Fr"),
        ("| 08. Juli 2020 | 14:26 Uhr", D(2020, 7, 8), ""),
        ("03. November 2021 um 15:18 Uhr", D(2021, 11, 3), ""),
        ("(22 juin 2018 @11h13)", D(2018, 6, 22), ""),
        ("31.10.2023, 19.18 Uhr", D(2023, 10, 31), ""),
        ("Von Jane Roe // 1. November 2023", D(2023, 11, 1), "Von Jane Roe"),
        ("Commentary, 22 February 2017", D(2017, 2, 22), "Commentary"),
    ],
)
def test_datelines_with_a_label_in_many_languages(line, expected, prefix):
    assert find_dateline(line) == (expected, "day", prefix, "")


def test_dateline_keeps_what_follows_the_date_as_suffix():
    assert find_dateline("2017-05-22 By Jane Roe") == (D(2017, 5, 22), "day", "", "By Jane Roe")
    assert find_dateline("Veröffentlicht am 13. März 2019 von Jane Roe").suffix == "von Jane Roe"


def test_an_updated_date_after_the_published_one_is_part_of_the_dateline():
    assert find_dateline("Veröffentlicht am 10. Februar 20199. Februar 2019 von Jane Roe") == (
        D(2019, 2, 10),
        "day",
        "Veröffentlicht am",
        "von Jane Roe",
    )
    assert find_dateline("Veröffentlicht am 06.10.2023 (Letztes Update: 07.10.2023)") == (
        D(2023, 10, 6),
        "day",
        "Veröffentlicht am",
        "",
    )
    assert find_dateline("17. September 2022 17. September 2022").suffix == ""


def test_two_digit_years_after_a_word_that_introduces_a_date_or_with_a_padded_day_and_month():
    assert find_dateline("am 16.01.20") == (D(2020, 1, 16), "day", "am", "")
    assert find_dateline("Datum: 12.Okt.18") == (D(2018, 10, 12), "day", "Datum", "")
    assert find_dateline("16.01.20") == (D(2020, 1, 16), "day", "", "")
    assert find_dateline("28.01.22 / 0 Kommentare") == (D(2022, 1, 28), "day", "", "0 Kommentare")
    assert find_dateline("30/10/23 | Redaktion") == (D(2023, 10, 30), "day", "", "Redaktion")
    assert find_dateline("Redaktion, 30/10/23") is None  # after a word only with a clock
    assert find_dateline("6.1.20") is None  # unpadded: as likely a version number
    assert find_dateline("Version 2.10.19") is None
    assert find_dateline("am 3. März 19:30") is None


@pytest.mark.parametrize(
    "line",
    ["vor 3 Tagen", "2 hours ago", "gestern, 14:32", "yesterday", "heute, 09:15 Uhr", "il y a 2 jours"],
)
def test_relative_dates_are_never_a_date(line):
    assert find_dateline(line) is None


@pytest.mark.parametrize(
    "line",
    [
        "Bei Anwendern von Windows 8 ist es sogar seit dem Sommer so, genauer seit 9. Juni 2015.",
        "In a long sentence that mentions the events that happened on 4 March 2019 in Paris.",
        "Copyright © 19.12.2019 - 12:14 h by Example GmbH",
        "Seite 3, 2019",
        "Windows 10 Version 2004",
    ],
)
def test_dates_inside_prose_are_not_datelines(line):
    assert find_dateline(line) is None


@pytest.mark.parametrize("text", ["31.02.2019", "2019-13-01", "3 März 1850", "16.01.2999", "32. Mai 2012"])
def test_impossible_or_far_future_dates_are_refused(text):
    assert parse_date(text) is None


@pytest.mark.parametrize(
    ("line", "expected", "prefix"),
    [
        ("Vereinsnachrichten : Ein Titel Geschrieben von Jane Roe am 25.08.2015 22:30 (99 x gelesen)",
         D(2015, 8, 25), "Geschrieben von Jane Roe am"),
        ("Some Headline Here Posted on March 3, 2019 in News", D(2019, 3, 3), "Posted on"),
        ("Ce billet a été publié le 4 mars 2019 dans Politique", D(2019, 3, 4), "publié le"),
    ],
)
def test_a_publication_word_introduces_a_date_in_a_longer_line(line, expected, prefix):
    assert find_introduced_date(line)[:3] == (expected, "day", prefix)


@pytest.mark.parametrize(
    "line",
    [
        "In a long sentence that mentions the events that happened on 4 March 2019 in Paris.",
        "Das Gesetz wurde am 3. März 2019 beschlossen und gilt seit dem 4. April 2019.",
        "Published in March 2019",  # no day: not precise enough to take from a longer line
    ],
)
def test_prose_dates_are_not_introduced_dates(line):
    assert find_introduced_date(line) is None


@pytest.mark.parametrize(
    ("line", "expected", "prefix"),
    [
        ("31. Oktober 2023. Ein Absatz beginnt mit seinem Datum und geht dann lange weiter.",
         D(2023, 10, 31), ""),
        ("Mitteilung vom 25. Januar 2022 | Berlin – Der Absatz geht weiter.", D(2022, 1, 25),
         "Mitteilung vom"),
        ("LONDON, 3 March 2019 - The paragraph goes on here.", D(2019, 3, 3), "LONDON"),
    ],
)
def test_a_paragraph_opening_with_its_date(line, expected, prefix):
    assert find_opening_date(line)[:3] == (expected, "day", prefix)


@pytest.mark.parametrize(
    "line",
    [
        "Am Ende des Jahres, genauer am 3. März 2019, kam es zu einem Wechsel.",
        "3. März 2019 war ein Sonntag",  # no separator after the date: prose
        "I was born on 25 August, 1938. The paragraph goes on.",  # a sentence before the date
    ],
)
def test_dates_later_in_a_paragraph_do_not_open_it(line):
    assert find_opening_date(line) is None


@pytest.mark.parametrize(
    "line",
    ["Posted by Jane Roe on March 3, 2019", "Veröffentlicht von Jane Roe 28. Februar 2016",
     "Veröffentlicht vonJane Roe 28. Februar 2016"],
)
def test_a_publication_word_and_byline_before_the_date(line):
    assert find_dateline(line).date in (D(2019, 3, 3), D(2016, 2, 28))


@pytest.mark.parametrize(
    ("line", "expected", "prefix", "suffix"),
    [
        ("By Jane Roe 6. November 2023", D(2023, 11, 6), "By Jane Roe", ""),
        ("Por Jane Roe 27 de agosto 2019", D(2019, 8, 27), "Por Jane Roe", ""),
        ("Accueil | Par Jane Roe | 30 septembre 2018", D(2018, 9, 30), "Accueil | Par Jane Roe", ""),
        ("Author: Jane Roe am 29.12.2010, 13:36 Uhr", D(2010, 12, 29), "Author: Jane Roe am", ""),
        ("Energie 12.12.2022, 08:30 Uhr", D(2022, 12, 12), "Energie", ""),
        ("20:34 17.04.2020", D(2020, 4, 17), "20:34", ""),
        ("17/11/201917/11/2019 ~ Jane Roe", D(2019, 11, 17), "", "~ Jane Roe"),
        ("miércoles, 4 de mayo de 202207:59 hs", D(2022, 5, 4), "miércoles", ""),
    ],
)
def test_bylines_short_labels_and_glued_times(line, expected, prefix, suffix):
    assert find_dateline(line) == (expected, "day", prefix, suffix)


def test_a_time_after_a_two_digit_year_makes_it_a_date():
    assert find_dateline("19.10.19, 11:29 Uhr") == (D(2019, 10, 19), "day", "", "")
    assert find_dateline("Version 10.12.19 released") is None


@pytest.mark.parametrize(
    "line",
    ["9-23 Feb 2019 | Mo-Fr 9–16", "Wochenbericht 14. - 20. Januar 2022",
     "Aktionszeitraum: 21.10.2019 – 27.10.2019", "Du 3 mars 2019 au 5 mars 2019"],
)
def test_a_span_of_days_is_no_dateline(line):
    assert find_dateline(line) is None


def test_a_dash_before_a_name_or_a_time_is_no_span():
    assert find_dateline("25.10.2022 - Jane Roe").suffix == "Jane Roe"
    assert find_dateline("3. März 2019 - 14:00") == (D(2019, 3, 3), "day", "", "")


@pytest.mark.parametrize(
    ("line", "role"),
    [
        ("Veröffentlicht am 13. März 2019", PUBLISHED),
        ("Posted on March 3, 2019", PUBLISHED),
        ("Erschienen am: 01.11.2023", PUBLISHED),
        ("zuletzt überarbeitet am 29. Mai 2019", UPDATED),
        ("Letzte Änderung: 31.10.2023 - 14:49:39", UPDATED),
        ("Last updated March 5, 2019", UPDATED),
        ("mis à jour le 5 mars 2019", UPDATED),
        ("5 March 2019", ""),
    ],
)
def test_a_datelines_label_says_which_date_it_gives(line, role):
    assert date_role(find_dateline(line)) == role


@pytest.mark.parametrize(
    ("line", "expected", "prefix"),
    [
        ("Published 3:14 PM EST, Mon March 4, 2019", D(2019, 3, 4), "Published 3:14 PM EST, Mon"),
        ("1:52 PM EST · January 16, 2020", D(2020, 1, 16), "1:52 PM EST"),
        ("Published: 10:00 BST, 3 March 2019 | Updated: 11:00 BST, 3 March 2019", D(2019, 3, 3),
         "Published: 10:00 BST"),
    ],
)
def test_a_time_and_zone_before_the_date(line, expected, prefix):
    assert find_dateline(line) == (expected, "day", prefix, "")


@pytest.mark.parametrize(("line", "expected"), [
    ("Jane Roeder22. Februar 2020", datetime.date(2020, 2, 22)),
    ("JANE ROEDER3.11.2023", datetime.date(2023, 11, 3)),
])
def test_a_byline_glued_to_its_date_is_still_a_dateline(line, expected):
    """Copied text drops the space between a byline's name and the date beside it."""
    found = find_dateline(line)
    assert found is not None and found.date == expected and found.prefix.casefold() == "jane roeder"


def test_a_glued_byline_and_date_give_the_author_and_the_date():
    text = ("Menu\n\nTalks on the Pipeline Resume in Minsk\n\nJane Roeder22. Februar 2020\n\n"
            + "The negotiators met again on Tuesday and agreed to keep talking about the border. " * 4)
    draft = extract(text.encode(), "x.txt")
    assert draft.authors == ["Jane Roeder"] and draft.published == datetime.date(2020, 2, 22)
