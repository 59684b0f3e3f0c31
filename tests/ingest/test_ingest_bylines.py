"""Bylines in raw text: labels in many languages, names, desks refused, prose refused."""

from __future__ import annotations

import time

import pytest

from archive.ingest.bylines import byline_names, clean_name, is_desk_byline, is_name, parse_byline


@pytest.mark.parametrize(
    ("line", "names"),
    [
        ("By Jane Doe", ["Jane Doe"]),
        ("Written by Jane Doe", ["Jane Doe"]),
        ("Posted by Jane Doe on March 3, 2019", ["Jane Doe"]),
        ("Author(s): Jane Doe, John Roe", ["Jane Doe", "John Roe"]),
        ("Reporter: Jane Doe", ["Jane Doe"]),
        ("BY JANE ROE", ["Jane Roe"]),
        ("Von Max Muster", ["Max Muster"]),
        ("Von: Max Muster", ["Max Muster"]),
        ("Autor: Max Muster", ["Max Muster"]),
        ("Autorin: Erika Musterfrau", ["Erika Musterfrau"]),
        ("Autor Max Muster", ["Max Muster"]),
        ("Text: Max Muster", ["Max Muster"]),
        ("Verfasst von Erika Musterfrau", ["Erika Musterfrau"]),
        ("Ein Beitrag von Erika Musterfrau", ["Erika Musterfrau"]),
        ("Geschrieben vonErika Musterfrau", ["Erika Musterfrau"]),
        ("Par Jean Dupont", ["Jean Dupont"]),
        ("Publié par Jean Dupont", ["Jean Dupont"]),
        ("Por José Pérez", ["José Pérez"]),
        ("Escrito por José Pérez y Ana Gómez", ["José Pérez", "Ana Gómez"]),
        ("Di Mario Rossi", ["Mario Rossi"]),
        ("Scritto da Mario Rossi", ["Mario Rossi"]),
        ("Door Jan de Vries", ["Jan de Vries"]),
        ("Av Sven Svensson", ["Sven Svensson"]),
        ("Af Lars Hansen", ["Lars Hansen"]),
        ("Przez Jana Kowalskiego", ["Jana Kowalskiego"]),
        ("Tekst: Jan Kowalski", ["Jan Kowalski"]),
    ],
)
def test_labels_in_many_languages(line, names):
    assert parse_byline(line)[0] == names


@pytest.mark.parametrize(
    ("line", "names"),
    [
        ("By Jane Doe and John Roe", ["Jane Doe", "John Roe"]),
        ("Von Max Muster und Erika Musterfrau", ["Max Muster", "Erika Musterfrau"]),
        ("Par Jean Dupont et Marie Curie", ["Jean Dupont", "Marie Curie"]),
        ("By Jane Doe, John Roe & Ann Lee", ["Jane Doe", "John Roe", "Ann Lee"]),
    ],
)
def test_several_authors(line, names):
    assert parse_byline(line)[0] == names


@pytest.mark.parametrize(
    ("line", "names"),
    [
        ("Posted by Jane Doe on March 3, 2019", ["Jane Doe"]),
        ("von Max Muster | 03.03.2019", ["Max Muster"]),
        ("Von Max Muster // 1. November 2023", ["Max Muster"]),
        ("Von Max Muster / 6. November 2023 / Keine Kommentare", ["Max Muster"]),
        ("Geschrieben von Max Muster am 25.08.2015 22:30 (1599 x gelesen)", ["Max Muster"]),
        ("Erstellt von Max Muster am Dienstag 6. Mai 2014", ["Max Muster"]),
        ("By Jane Doe | Published: 23. Juli 2017 | Kommentare geschlossen", ["Jane Doe"]),
        ("Von Max Muster Kategorien: Mode 6. November 2023, 15:25 Uhr", ["Max Muster"]),
        ("Words: Jane Doe, John Roe Photos: John Roe", ["Jane Doe", "John Roe"]),
        ("Text von Max Muster Illustration von Erika Musterfrau", ["Max Muster"]),
        ("Por José Pérez jperez@example.com", ["José Pérez"]),
        ("par Jean Dupont, 21 juin 2018", ["Jean Dupont"]),
        ("Veröffentlicht vonMax Muster28. Februar 2016", ["Max Muster"]),
    ],
)
def test_metadata_after_the_names_is_cut_off(line, names):
    assert parse_byline(line)[0] == names


@pytest.mark.parametrize(
    ("line", "names"),
    [
        ("Veröffentlicht am 12. Juni 2017 von Max Muster", ["Max Muster"]),
        ("Publiziert am 13. Januar 2014 von mmuster", ["mmuster"]),
        ("4.02.2022 par Jean Dupont", ["Jean Dupont"]),
        ("Posted on 2015-04-05 by jdoe | Leave a comment", ["jdoe"]),
        ("Dezember 10, 2019 · von blogger1984 · in Uncategorized", ["blogger1984"]),
        ("Home | Par Jean Dupont | 30 septembre 2018", ["Jean Dupont"]),
        ("22. Januar 2020 @ 18:13 // Autor: jd42 // Lesezeit: 1 Minute", ["jd42"]),
    ],
)
def test_byline_after_a_date_or_a_separator(line, names):
    assert parse_byline(line)[0] == names


def test_roles_after_a_name_and_desks_dropped():
    assert parse_byline("By Jane Doe, Senior Fellow") == (["Jane Doe"], {"Jane Doe": "Senior Fellow"})
    assert parse_byline("Von Max Muster, dpa") == (["Max Muster"], {})
    assert parse_byline("By Jane Doe, Staff Writer") == (["Jane Doe"], {})
    assert parse_byline("Von Erika Musterfrau, Redaktion") == (["Erika Musterfrau"], {})


@pytest.mark.parametrize(
    "line",
    [
        "By Staff",
        "By Staff Writer",
        "Submitted by Staff",
        "Von Redaktion",
        "By Editorial team",
        "By CNN Wire",
        "Von dpa",
        "Par AFP",
        "By Reuters",
        "By AP",
        "By Associated Press",
        "Von red.",
        "Von Gastautor",
        "Posted by admin",
        "By Guest",
        "By News Desk",
        "By Agencies",
        "Veröffentlicht am 19. Dezember 2022 von Redaktion",
    ],
)
def test_desks_and_wires_are_nobody(line):
    assert parse_byline(line) is None


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("von Leseratte", "Leseratte"),
        ("By jdoe", "jdoe"),
        ("Von Kathi / 6. November 2023", "Kathi"),
        ("EINGESTELLT VON DER MICHEL UM 21:11", "Der Michel"),
    ],
)
def test_labelled_pseudonyms(line, name):
    assert parse_byline(line)[0] == [name]


@pytest.mark.parametrize(
    "line",
    [
        "Von Menschen",
        "Von Menschen und Mäusen",
        "Door Knobs",
        "By far the best option",
        "By early 2005 the net could have two new domain names.",
        "Von Berlin nach Hamburg sind es 300 km.",
        "Par exemple",
        "Text Messaging Tips",
        "Bylines are hard",
        "By",
        "",
    ],
)
def test_prose_and_headings_are_not_bylines(line):
    assert parse_byline(line) is None


@pytest.mark.parametrize(
    "text",
    [
        "Jane Doe",
        "J. R. R. Tolkien",
        "J.R.R. Tolkien",
        "Ursula von der Leyen",
        "Ahmad al-Assad",
        "Hans-Peter Müller-Lüdenscheidt",
        "Loïc Le Clerc",
        "Jeanine Áñez",
        "Sadhbh O'Sullivan",
        "Chokri GHARBI",
        "Mrs H Pyke",
    ],
)
def test_names(text):
    assert is_name(text)


@pytest.mark.parametrize(
    "text",
    [
        "Senior Editor",
        "Redaktion Startseite",
        "Kontakt Impressum",
        "Datenschutz Hinweise",
        "Erweiterte Suche",
        "Anmelden Registrieren",
        "Ausgewählte Beiträge",
        "Erneuerbare Energien",
        "Digitale Gesellschaft",
        "IT Finanzmagazin",
        "Sass Datentechnik AG",
        "FB TW Pinterest",
        "NOW WATCH",
        "Leseratte",
        "jane doe",
        "The Future of Work",
        "Hallo Karl",  # a comment's greeting
        "Hi Jane",
        "Älterer Post",  # a blog's paging link
        "Forum Moderator",
    ],
)
def test_headings_menus_and_organisations_are_not_names(text):
    assert not is_name(text)


@pytest.mark.parametrize(
    ("line", "names"),
    [
        ("Jane Doe · 3 min read", ["Jane Doe"]),
        ("Max Muster, 03.11.2023 15:32 Uhr", ["Max Muster"]),
        ("MAX MUSTER3.11.2023", ["Max Muster"]),
        ("September 17, 2019 Jane Doe", ["Jane Doe"]),
        ("26. September 2019 Max Muster Schreibe einen Kommentar", ["Max Muster"]),
        ("04.02.2022 | 15:33 Uhr | Max Muster", ["Max Muster"]),
        ("von Max Muster | 03.03.2019", ["Max Muster"]),
        ("Jane Doe", []),
        ("Updated 3 min ago", []),
        ("In 2019 the company grew by a third.", []),
    ],
)
def test_byline_names_reads_unlabelled_name_and_date(line, names):
    assert byline_names(line) == names


def test_clean_name():
    assert clean_name("Maia Otarashvili*") == "Maia Otarashvili"
    assert clean_name("Dr. Alexander Klier") == "Alexander Klier"
    assert clean_name("Prof. Dr. Erika Musterfrau,") == "Erika Musterfrau"
    assert clean_name("Dr. Müller") == "Dr. Müller"
    assert clean_name("R. R.") == "R. R."


def test_a_call_takes_microseconds():
    lines = [
        "Veröffentlicht am 12. Juni 2017 von Max Muster",
        "Die Stadt hat im Jahr 2019 rund 300 neue Wohnungen gebaut, heißt es im Bericht.",
        "Startseite",
        "By Jane Doe and John Roe",
    ] * 250
    started = time.perf_counter()
    for line in lines:
        parse_byline(line)
        is_name(line)
        byline_names(line)
    per_line = (time.perf_counter() - started) / len(lines)
    assert per_line < 100e-6


@pytest.mark.parametrize("line", ["By Staff Writer", "Von Redaktion", "Par AFP", "By Example Wire"])
def test_a_byline_of_a_desk_is_furniture_and_no_author(line):
    assert is_desk_byline(line) and parse_byline(line) is None


@pytest.mark.parametrize("line", ["By Jane Roe", "Von Menschen und Tieren", "By the way, the staff was kind"])
def test_a_persons_byline_or_prose_is_no_desk_byline(line):
    assert not is_desk_byline(line)


def test_a_social_handle_after_the_name_ends_the_names():
    assert parse_byline("Por Williams Roe @wroe -") == (["Williams Roe"], {})
    assert parse_byline("By Jane Roe @janeroe · 3 min read") == (["Jane Roe"], {})
