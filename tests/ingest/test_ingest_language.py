"""Language guessing and stop words (archive/ingest/language.py)."""

from __future__ import annotations

import re

import pytest

from archive.ingest.language import detect, guess_language, language_code, stop_words

# The same news item, written the way a local paper in each language would write it.
PARAGRAPHS = {
    "en": (
        "The city council voted on Tuesday evening to build a new tram line that will connect "
        "the central station with the harbour district. Supporters of the plan said that the "
        "line would take thousands of cars off the road every day, while its opponents argued "
        "that the cost had grown far beyond the first estimate."
    ),
    "de": (
        "Der Stadtrat hat am Dienstagabend beschlossen, eine neue Straßenbahnlinie zu bauen, die "
        "den Hauptbahnhof mit dem Hafenviertel verbinden soll. Die Befürworter sagen, dass die "
        "Linie jeden Tag tausende Autos von der Straße holen wird, während die Gegner meinen, "
        "dass die Kosten viel zu hoch sind und das Geld besser in den Busverkehr fließen sollte."
    ),
    "fr": (
        "Le conseil municipal a voté mardi soir la construction d'une nouvelle ligne de tramway "
        "qui reliera la gare centrale au quartier du port. Les partisans du projet affirment que "
        "la ligne retirera chaque jour des milliers de voitures de la route, tandis que ses "
        "opposants estiment que le coût est devenu beaucoup trop élevé pour la ville."
    ),
    "es": (
        "El ayuntamiento aprobó el martes por la noche la construcción de una nueva línea de "
        "tranvía que unirá la estación central con el barrio del puerto. Los defensores del "
        "proyecto dicen que la línea sacará cada día miles de coches de la calle, mientras que "
        "sus críticos creen que el coste ha crecido mucho más de lo previsto."
    ),
    "it": (
        "Il consiglio comunale ha approvato martedì sera la costruzione di una nuova linea del "
        "tram che collegherà la stazione centrale con il quartiere del porto. I sostenitori del "
        "progetto dicono che la linea toglierà ogni giorno migliaia di auto dalla strada, mentre "
        "gli oppositori ritengono che il costo sia cresciuto molto più del previsto."
    ),
    "pl": (
        "Rada miasta zagłosowała we wtorek wieczorem za budową nowej linii tramwajowej, która "
        "połączy dworzec centralny z dzielnicą portową. Zwolennicy projektu mówią, że dzięki "
        "tej linii z ulic każdego dnia zniknie kilka tysięcy samochodów, ale jego przeciwnicy "
        "uważają, że koszt jest już o wiele wyższy, niż się spodziewano."
    ),
    "nl": (
        "De gemeenteraad heeft dinsdagavond besloten om een nieuwe tramlijn aan te leggen die "
        "het centraal station met de havenwijk zal verbinden. De voorstanders zeggen dat de lijn "
        "elke dag duizenden auto's van de weg zal halen, maar de tegenstanders vinden dat de "
        "kosten veel hoger zijn geworden dan eerst werd gedacht."
    ),
}
NAMES = {
    "en": "English",
    "de": "German",
    "fr": "French",
    "es": "Spanish",
    "it": "Italian",
    "pl": "Polish",
    "nl": "Dutch",
}
CHINESE = (
    "市议会周二晚上投票决定修建一条新的有轨电车线路，连接中央车站和港口区。支持者说，这条线路每天"
    "将使数千辆汽车离开道路，居民上班也会更快。反对者则认为，项目的费用已经远远超过最初的估计，这笔"
    "钱最好用于公交网络，因为公交已经覆盖了大部分相同的街道。工程预计明年春天开工，如果进度顺利，第"
    "一批电车将在二零二七年底前运行。"
)
JAPANESE = (
    "市議会は火曜日の夜、中央駅と港湾地区を結ぶ新しい路面電車の建設を決めた。賛成派は、毎日何千台も"
    "の車が道路から消え、住民の通勤も速くなると述べた。反対派は、費用が当初の見積もりを大きく超えた"
    "と主張している。工事は来年の春に始まる予定で、最初の電車は二〇二七年末までに走る見込みだ。"
)


@pytest.mark.parametrize("code", sorted(PARAGRAPHS))
def test_guess_language_of_a_paragraph(code):
    assert len(PARAGRAPHS[code].split()) >= 40
    assert guess_language(PARAGRAPHS[code]) == code


@pytest.mark.parametrize("code", sorted(PARAGRAPHS))
def test_detect_names_the_list_and_its_density(code):
    name, density = detect(PARAGRAPHS[code])
    assert name == NAMES[code]
    assert 0.15 <= density <= 1.0  # prose: a good share of its words are stop words


@pytest.mark.parametrize("code", sorted(PARAGRAPHS))
def test_detect_density_is_the_share_of_words_on_the_list(code):
    tokens = re.findall(r"[^\W\d_]+", PARAGRAPHS[code].casefold())
    expected = sum(token in stop_words(code) for token in tokens) / len(tokens)
    assert detect(PARAGRAPHS[code]) == (NAMES[code], pytest.approx(expected))
    assert detect(PARAGRAPHS[code].upper()) == detect(PARAGRAPHS[code])  # case does not matter


def test_a_short_text_has_no_language():
    short = "The council voted on Tuesday to build a new tram line to the harbour."
    assert len(short.split()) < 20
    assert guess_language(short) == ""
    assert detect(short) == ("", 0.0)
    # The first 19 words of a paragraph are not enough, its first 20 are.
    words = PARAGRAPHS["de"].split()
    assert guess_language(" ".join(words[:19])) == ""
    assert guess_language(" ".join(words[:20])) == "de"


@pytest.mark.parametrize("text", [CHINESE, JAPANESE])
def test_cjk_text_has_no_language(text):
    assert len(text) > 130
    assert guess_language(text) == ""
    name, density = detect(text)
    assert 0.0 <= density <= 1.0
    assert language_code(name, density) == ""


def test_words_without_stop_words_have_no_language():
    menu = " ".join(["News", "Politics", "Weather", "Podcasts", "Puzzles"] * 4)
    assert detect(menu) == ("", 0.0)
    assert guess_language(menu) == ""


def test_language_code_needs_enough_stop_words():
    assert language_code("German", 0.5) == "de"
    assert language_code("German", 0.15) == "de"
    assert language_code("German", 0.149) == ""
    assert language_code("", 0.9) == ""


def test_stop_words_of_german():
    german = stop_words("de")
    assert {"und", "der", "die", "das", "nicht", "wird"} <= german
    assert not {"nicht", "und", "wird"} & stop_words("en")
    assert stop_words("German") == german  # jusText's own name works too


def test_stop_words_of_an_unknown_language_are_english():
    english = stop_words("en")
    assert {"the", "and", "of"} <= english
    assert "und" not in english
    assert stop_words("xx") == english
    assert stop_words("") == english


def test_stop_words_differ_between_languages():
    lists = {code: stop_words(code) for code in PARAGRAPHS}
    assert len({frozenset(words) for words in lists.values()}) == len(lists)
    assert "che" in lists["it"] and "que" in lists["es"] and "het" in lists["nl"]
    assert "się" in lists["pl"] and "les" in lists["fr"]
