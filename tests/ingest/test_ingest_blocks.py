"""Line classes and the article block of raw text (archive/ingest/blocks.py)."""

from __future__ import annotations

from archive.ingest.blocks import BAD, GOOD, JUNK, NEAR, SHORT, article_block, classify
from archive.ingest.language import stop_words

EN = stop_words("en")
DE = stop_words("de")

PROSE = [
    "The city council voted on Tuesday evening to build a new tram line that will connect the "
    "central station with the harbour district, ending a debate that has lasted for more than a decade.",
    "Supporters of the plan said that the line would take thousands of cars off the road every day "
    "and would give the residents of the harbour a faster way to reach their jobs.",
    "Opponents argued that the cost of the project had grown far beyond the first estimate and that "
    "the money would be better spent on the bus network, which already serves most of the same streets.",
    "Construction is expected to begin next spring, and the first trams should run by the end of "
    "2027 if the work stays on schedule and the budget holds.",
]
PROSA = [
    "Der Stadtrat hat am Dienstagabend beschlossen, eine neue Straßenbahnlinie zu bauen, die den "
    "Hauptbahnhof mit dem Hafenviertel verbinden soll, und damit eine lange Debatte beendet.",
    "Die Befürworter sagen, dass die Linie jeden Tag tausende Autos von der Straße holen wird und "
    "dass die Menschen im Hafen viel schneller zu ihrer Arbeit in der Innenstadt kommen.",
    "Die Gegner meinen dagegen, dass die Kosten schon jetzt viel höher sind als geplant und dass "
    "man das Geld besser in die Busse stecken sollte, die es bereits gibt.",
    "Die Bauarbeiten sollen im nächsten Frühjahr beginnen, und wenn alles nach Plan läuft, fahren "
    "die ersten Bahnen bis zum Ende des Jahres 2027 durch die Stadt.",
]
MENU = [
    "Home",
    "News",
    "World",
    "Politics",
    "Business",
    "Technology",
    "Science",
    "Health",
    "Sport",
    "Culture",
    "Travel",
    "Food",
    "Opinion",
    "Video",
    "Podcasts",
    "Weather",
    "Puzzles",
    "Events",
    "Jobs",
    "Subscribe",
]
FOOTER = ["About us", "Contact", "Privacy policy", "Terms of use", "Careers"]
REPLIES = [
    "I have been waiting for this tram for years and I think it is a great decision for all of us "
    "who live near the harbour.",
    "This is a waste of money and the council should have spent it on the buses that we already "
    "have in the city.",
]
ANTWORTEN = [
    "Ich warte schon seit Jahren auf diese Bahn und finde, dass das eine gute Entscheidung für "
    "alle ist, die am Hafen wohnen.",
    "Das ist eine Verschwendung von Geld, und der Rat hätte es lieber für die Busse ausgeben "
    "sollen, die wir schon haben.",
]


def lines_of(units, stop=EN, junk=None, alone=None):
    return classify(units, junk or [False] * len(units), stop, alone)


def kinds(units, stop=EN, **kw):
    return [line.kind for line in lines_of(units, stop, **kw)]


def words(lines):
    return sum(line.words for line in lines if line.kind == GOOD)


# --- classify --------------------------------------------------------------------------------


def test_long_english_prose_is_good():
    lines = lines_of(PROSE)
    assert [line.kind for line in lines] == [GOOD] * 4
    assert [line.words for line in lines] == [34, 33, 35, 27]  # "2027" is not a word
    assert [line.text for line in lines] == PROSE
    assert not any(line.repeated or line.alone for line in lines)


def test_long_german_prose_is_good_with_german_stop_words():
    assert kinds(PROSA, DE) == [GOOD] * 4


def test_german_prose_judged_with_english_stop_words_is_not_good():
    # The stop-word density is what makes prose prose: the wrong language's list sees none.
    assert GOOD not in kinds(PROSA[1:2], EN)


def test_menu_entries_are_short():
    assert kinds(MENU) == [SHORT] * len(MENU)
    assert kinds(FOOTER) == [SHORT] * len(FOOTER)
    assert kinds(["Startseite", "Nachrichten", "Über uns", "Impressum"], DE) == [SHORT] * 4


def test_a_short_sentence_is_near():
    assert kinds(["It was late.", "Late night bus"]) == [NEAR, SHORT]


def test_a_long_list_of_names_is_bad():
    assert kinds(["Tram Bus Ferry Harbour Station Bridge River Library Bakery Orchestra"]) == [BAD]


def test_junk_units_are_junk_whatever_they_say():
    assert kinds(PROSE[:2], junk=[True, False]) == [JUNK, GOOD]


def test_a_heading_standing_alone_is_short():
    heading = "Why did the council change its mind about the tram after ten years?"
    assert kinds([heading]) == [GOOD]  # a question with stop words reads as prose on its own
    assert kinds([heading], alone=[True]) == [SHORT]
    assert lines_of([heading], alone=[True])[0].alone is True


def test_a_repeated_short_line_is_marked_repeated():
    lines = lines_of(["Share", PROSE[0], "Share", "Read the full story", PROSE[0]])
    assert [line.repeated for line in lines] == [True, False, True, False, False]
    assert lines[0].kind == SHORT


def test_cjk_prose_counts_its_characters():
    sentence = "市议会周二晚上投票决定修建一条新的有轨电车线路，连接中央车站和港口区，结束了十多年的争论。"
    line = lines_of([sentence])[0]
    assert line.kind == GOOD
    assert line.words >= 20
    assert lines_of(["新闻"])[0].kind == SHORT


# --- article_block ---------------------------------------------------------------------------


def test_block_skips_the_menu_above_and_the_footer_below():
    lines = lines_of(MENU + PROSE + FOOTER)
    assert article_block(lines) == (len(MENU), len(MENU) + len(PROSE))
    start, end = article_block(lines)
    assert [line.text for line in lines[start:end]] == PROSE


def test_block_of_german_page():
    menu = ["Startseite", "Nachrichten", "Politik", "Wirtschaft", "Kultur", "Sport", "Wetter"]
    footer = ["Über uns", "Kontakt", "Datenschutz", "Impressum"]
    lines = lines_of(menu + PROSA + footer, DE)
    assert article_block(lines) == (len(menu), len(menu) + len(PROSA))


def test_block_keeps_a_short_heading_between_paragraphs():
    units = MENU[:5] + PROSE[:2] + ["The cost"] + PROSE[2:] + FOOTER
    start, end = article_block(lines_of(units))
    assert (start, end) == (5, 5 + len(PROSE) + 1)
    assert "The cost" in units[start:end]


def test_block_stops_at_the_comment_section():
    units = MENU[:5] + PROSE[:3] + ["3 Comments"] + REPLIES
    lines = lines_of(units)
    assert words(lines[5:8]) >= 80
    assert kinds(REPLIES) == [GOOD, GOOD]  # replies are prose too
    assert article_block(lines) == (5, 8)
    # Without a comment line the replies would have joined the article.
    assert article_block(lines_of(MENU[:5] + PROSE[:3] + ["Reader views"] + REPLIES)) == (5, 11)


def test_block_stops_at_a_german_comment_section():
    units = PROSA[:3] + ["Kommentare"] + ANTWORTEN
    lines = lines_of(units, DE)
    assert words(lines[:3]) >= 80
    assert kinds(ANTWORTEN, DE) == [GOOD, GOOD]
    assert article_block(lines) == (0, 3)


def test_comment_line_early_in_the_article_does_not_cut_it():
    # Before enough article words a "Comments" line is furniture, not the end of the article.
    units = [PROSE[0], "Comments", *PROSE[1:]]
    lines = lines_of(units)
    assert words(lines[:1]) < 60
    assert article_block(lines) == (0, len(units))


def test_closing_list_after_key_points_is_in_the_block():
    items = [
        "- The line links the station and the harbour",
        "- Work starts next spring",
        "- First trams by 2027",
    ]
    units = MENU[:3] + PROSE + ["Key points:", *items] + FOOTER
    lines = lines_of(units)
    start, end = article_block(lines)
    assert (start, end) == (3, 3 + len(PROSE) + 1 + len(items))
    assert units[end - 1] == "- First trams by 2027"
    assert units[end] == FOOTER[0]


def test_numbered_list_right_after_the_prose_is_in_the_block():
    items = ["1. Station", "2. Old Town", "3. Harbour"]
    units = PROSE + items + FOOTER
    assert article_block(lines_of(units)) == (0, len(PROSE) + len(items))


def test_a_line_ending_in_a_colon_without_a_list_stays_out():
    units = PROSE + ["Follow us:"] + FOOTER
    assert article_block(lines_of(units)) == (0, len(PROSE))


def test_no_prose_no_block():
    assert article_block(lines_of(MENU + FOOTER)) == (0, 0)
    assert article_block([]) == (0, 0)
