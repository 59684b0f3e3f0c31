"""The ingest evaluation (archive/ingest_eval.py, ``eval_ingest``) and the title ranker's trainer.

The development set is built here, in tmp_path, with the real one's layout (a top folder
``rawtext-dev/`` holding ``truth.json``, ``html/<name>.html`` and ``text/<name>.txt``), so
these tests never need ../shared.
"""

from __future__ import annotations

import hashlib
import html as htmllib
import io
import json
import tarfile
from pathlib import Path

import numpy as np
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from archive import ingest_eval
from archive.ingest_eval import DEV, FIELDS, HELD_OUT, UNSEEN, Page, author_set, fold
from archive.management.commands import eval_ingest
from archive.management.commands.train_title_model import train

MENU = ["Home", "News", "Politics", "Business", "Culture", "Sport", "Subscribe"]
FOOTER = ["About us", "Contact", "Privacy policy", "Terms of use"]
MENU_DE = ["Startseite", "Nachrichten", "Politik", "Wirtschaft", "Kultur", "Sport", "Abo"]
FOOTER_DE = ["Über uns", "Kontakt", "Datenschutz", "Impressum"]

# name -> (language, headline, author, dateline, ISO date, paragraphs)
ARTICLES = {
    "tram-line": (
        "en",
        "City council approves new tram line to the harbour",
        "Jane Roe",
        "12 March 2024",
        "2024-03-12",
        [
            "The city council voted on Tuesday evening to build a new tram line that will connect "
            "the central station with the harbour district, ending a debate that has lasted for "
            "more than a decade.",
            "Supporters of the plan said that the line would take thousands of cars off the road "
            "every day and would give the residents of the harbour a faster way to reach their jobs.",
            "Construction is expected to begin next spring, and the first trams should run by the "
            "end of 2027 if the work stays on schedule and the budget holds.",
        ],
    ),
    "harbour-festival": (
        "en",
        "Harbour festival draws record crowds despite the rain",
        "John Doe",
        "3 June 2023",
        "2023-06-03",
        [
            "More than forty thousand people came to the harbour over the weekend for the annual "
            "festival, even though heavy rain fell for most of Saturday afternoon and the evening.",
            "The organisers said that the new programme of concerts on the old ferry pier had been "
            "the main reason why so many families stayed until the fireworks began.",
            "Local traders reported that their sales were higher than in any year since the "
            "festival was first held, and several of them have already asked for a larger stall.",
        ],
    ),
    "library-hours": (
        "en",
        "Central library will open on Sundays from next month",
        "Mary Major",
        "21 January 2024",
        "2024-01-21",
        [
            "The central library will open its doors on Sundays from the first of February, after "
            "a survey found that most of its readers could not visit it during the working week.",
            "The extra hours will be paid for by a grant from the regional government, which has "
            "promised to fund the change for at least the next three years.",
            "Staff said that they were looking forward to seeing more students and young families "
            "in the reading rooms, which are often empty on weekday mornings.",
        ],
    ),
    "bakery-prize": (
        "en",
        "Family bakery wins national bread award",
        "Alex Smith",
        "8 October 2022",
        "2022-10-08",
        [
            "A small family bakery on the corner of Mill Street has won the national bread award "
            "for its rye loaf, beating more than three hundred entries from all over the country.",
            "The owners, who took over the shop from their parents ten years ago, said that the "
            "recipe had not changed since it was written down by their grandmother.",
            "Since the news was announced on Friday there has been a queue outside the door every "
            "morning, and the bakery has started to sell out before nine o'clock.",
        ],
    ),
    "river-cleanup": (
        "en",
        "Volunteers pull two tonnes of rubbish from the river",
        "Sam Taylor",
        "17 April 2021",
        "2021-04-17",
        [
            "Nearly two hundred volunteers spent Saturday morning on the banks of the river and "
            "pulled more than two tonnes of rubbish out of the water, including old bicycles and tyres.",
            "The clean-up was organised by a local angling club, whose members have been worried "
            "for years about the number of fish that they find caught in plastic.",
            "The council has promised to put more bins along the path and to check the drains that "
            "carry water from the industrial estate into the river.",
        ],
    ),
    "orchestra": (
        "en",
        "Youth orchestra to tour Japan next summer",
        "Chris Lee",
        "30 November 2023",
        "2023-11-30",
        [
            "The city youth orchestra has been invited to play six concerts in Japan next summer, "
            "the first time that the orchestra will have performed outside of Europe.",
            "Its conductor said that the young musicians had been practising twice a week since "
            "the invitation arrived and that the programme would include a new piece by a local composer.",
            "Parents have started to raise money for the flights, and a concert in the town hall "
            "next month will help to pay for the instruments that need to travel with them.",
        ],
    ),
    "bridge-repairs": (
        "en",
        "Old bridge closes for six months of repairs",
        "Jane Roe and John Doe",
        "5 May 2024",
        "2024-05-05",
        [
            "The old stone bridge over the river will be closed to cars from Monday while engineers "
            "replace the cracked arches that were found during an inspection last winter.",
            "Pedestrians and cyclists will still be able to cross on a temporary walkway, but "
            "drivers will have to take a detour of about three miles through the industrial estate.",
            "The work is expected to cost four million pounds, and the council has said that the "
            "bridge should open again before the end of the year.",
        ],
    ),
    "stadtbahn": (
        "de",
        "Stadtrat beschließt neue Stadtbahn zum Hafen",
        "Erika Mustermann",
        "12. März 2024",
        "2024-03-12",
        [
            "Der Stadtrat hat am Dienstagabend beschlossen, eine neue Stadtbahnlinie zu bauen, die "
            "den Hauptbahnhof mit dem Hafenviertel verbinden soll, und damit eine lange Debatte beendet.",
            "Die Befürworter sagen, dass die Linie jeden Tag tausende Autos von der Straße holen "
            "wird und dass die Menschen im Hafen schneller zu ihrer Arbeit in der Stadt kommen.",
            "Die Bauarbeiten sollen im nächsten Frühjahr beginnen, und wenn alles nach Plan läuft, "
            "fahren die ersten Bahnen bis zum Ende des Jahres 2027.",
        ],
    ),
    "weinfest": (
        "de",
        "Weinfest lockt trotz Regen viele Besucher an",
        "Max Mustermann",
        "3. September 2023",
        "2023-09-03",
        [
            "Mehr als zwanzigtausend Menschen sind am Wochenende zum Weinfest auf den Marktplatz "
            "gekommen, obwohl es am Samstag fast den ganzen Nachmittag geregnet hat.",
            "Die Winzer aus der Region waren mit dem Verkauf sehr zufrieden und sagten, dass die "
            "Stimmung unter den Zelten so gut gewesen sei wie schon lange nicht mehr.",
            "Im nächsten Jahr soll das Fest um einen Tag verlängert werden, weil viele Gäste aus "
            "den Nachbarorten erst am Sonntag gekommen sind und keinen Platz mehr gefunden haben.",
        ],
    ),
    "freibad": (
        "de",
        "Freibad öffnet nach der Sanierung wieder",
        "Anna Schmidt",
        "1. Juni 2022",
        "2022-06-01",
        [
            "Nach zwei Jahren Bauzeit ist das Freibad am Stadtpark am Mittwoch wieder geöffnet "
            "worden, und schon am ersten Tag kamen mehr als tausend Badegäste.",
            "Die Stadt hat die alten Becken durch neue aus Edelstahl ersetzt und eine Rutsche für "
            "die Kinder gebaut, die schon am Vormittag von einer langen Schlange umgeben war.",
            "Der Eintritt bleibt in diesem Sommer gleich, aber die Öffnungszeiten werden am Abend "
            "um eine Stunde verlängert, damit auch Berufstätige noch schwimmen gehen können.",
        ],
    ),
}
# Truth titles that are deliberately not the page's headline: one dev page, one held-out.
WRONG_TITLES = {
    "bridge-repairs": "A headline this page does not have",
    "orchestra": "Another headline nowhere on the page",
}


def raw_text(name: str) -> str:
    """The page as a person copies it: menu, headline, byline, dateline, prose, footer."""
    language, headline, author, dateline, _, paragraphs = ARTICLES[name]
    menu, footer, by = (MENU, FOOTER, "By") if language == "en" else (MENU_DE, FOOTER_DE, "Von")
    blocks = ["\n".join(menu), headline, f"{by} {author}\n{dateline}", *paragraphs, "\n".join(footer)]
    return "\n\n".join(blocks) + "\n"


def html_page(name: str) -> str:
    language, headline, author, dateline, iso, paragraphs = ARTICLES[name]
    menu, footer, by = (MENU, FOOTER, "By") if language == "en" else (MENU_DE, FOOTER_DE, "Von")
    esc = htmllib.escape
    links = "".join(f'<li><a href="/{esc(m.lower())}">{esc(m)}</a></li>' for m in menu)
    body = "".join(f"<p>{esc(p)}</p>" for p in paragraphs)
    foot = " | ".join(esc(f) for f in footer)
    return (
        f'<!DOCTYPE html><html lang="{language}"><head><meta charset="utf-8">'
        f"<title>{esc(headline)}</title></head><body>"
        f"<nav><ul>{links}</ul></nav><main><article><h1>{esc(headline)}</h1>"
        f'<p class="byline">{by} {esc(author)}</p><time datetime="{iso}">{esc(dateline)}</time>'
        f"{body}</article></main><footer>{foot}</footer></body></html>"
    )


def truth(name: str) -> dict:
    language, headline, author, _, iso, paragraphs = ARTICLES[name]
    footer = FOOTER if language == "en" else FOOTER_DE
    return {
        "title": WRONG_TITLES.get(name, headline),
        "author": author,
        "date": iso,
        "with": [paragraphs[0][:60], paragraphs[-1][-60:]],
        "without": [footer[2]],
        "url": f"https://news.example.org/{name}",
    }


def build_tarball(path: Path, names=tuple(ARTICLES)) -> Path:
    """A development set tarball with the real one's layout."""
    files = {"truth.json": json.dumps({n: truth(n) for n in names}, ensure_ascii=False)}
    for name in names:
        files[f"html/{name}.html"] = html_page(name)
        files[f"text/{name}.txt"] = raw_text(name)
    with tarfile.open(path, "w:gz") as tar:
        for member, content in files.items():
            data = content.encode("utf-8")
            info = tarfile.TarInfo(f"rawtext-dev/{member}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


@pytest.fixture
def tarball(tmp_path) -> Path:
    return build_tarball(tmp_path / "rawtext-dev.tar.gz")


@pytest.fixture
def pages(tarball) -> list[Page]:
    return list(ingest_eval.read_pages(tarball))


@pytest.fixture
def runs(pages) -> list[ingest_eval.Run]:
    return ingest_eval.evaluate(pages)


def page(name: str) -> Page:
    return Page(name, html_page(name).encode(), raw_text(name).encode(), truth(name))


# The fixture's split, as the hash gives it (asserted below, so a changed split shows here).
HELD_OUT_NAMES = {"river-cleanup", "orchestra"}
DEV_NAMES = set(ARTICLES) - HELD_OUT_NAMES


# --- fold and author_set ---------------------------------------------------------------------


def test_fold_normalises_quotes_dashes_spaces_and_case():
    assert fold("“Smart” quotes — and ‘single’ ones – here") == "\"smart\" quotes - and 'single' ones - here"
    assert fold("It’s  a\u00a0 tab\there\n\nand a line") == "it's a tab here and a line"
    assert fold("ＦＵＬＬ width ﬁne") == "full width fine"  # NFKC: fullwidth letters, ligature
    assert fold("„Gänsefüßchen“ «guillemets»") == '"gänsefüßchen" "guillemets"'
    assert fold("") == "" and fold(None) == ""


def test_author_set_splits_on_semicolons_and_and():
    assert author_set("Jane Roe; John Doe") == {"jane roe", "john doe"}
    assert author_set("Jane Roe and John Doe") == {"jane roe", "john doe"}
    assert author_set("Erika Mustermann und Max Mustermann") == {"erika mustermann", "max mustermann"}
    assert author_set("Jane Roe & John Doe") == {"jane roe", "john doe"}


def test_author_set_keeps_names_that_contain_and():
    assert author_set("Sandra Anderson") == {"sandra anderson"}
    assert author_set("Brandon Sands") == {"brandon sands"}


def test_author_set_takes_lists_and_drops_empty_names():
    assert author_set(["Jane  Roe", "JOHN DOE", "  "]) == {"jane roe", "john doe"}
    assert author_set("") == set()
    assert author_set([]) == set()


# --- the split ---------------------------------------------------------------------------------


def test_part_is_a_fixed_function_of_the_name():
    assert {n: page(n).part for n in ARTICLES} == {
        n: HELD_OUT if n in HELD_OUT_NAMES else DEV for n in ARTICLES
    }
    # The truth and the captures play no part.
    assert Page("orchestra", b"", b"", {}).part == HELD_OUT
    assert Page("tram-line", b"x", b"y", {"title": "z"}).part == DEV


def test_part_holds_out_about_a_fifth_of_many_names():
    names = [f"page-{i:04d}" for i in range(1000)]
    parts = [Page(n, b"", b"", {}).part for n in names]
    held_out = parts.count(HELD_OUT)
    assert set(parts) == {DEV, HELD_OUT}
    assert 150 <= held_out <= 250
    assert parts == [Page(n, b"", b"", {}).part for n in names]  # the same on a second look
    assert all(
        (hashlib.sha1(n.encode()).digest()[0] % 5 == 0) == (p == HELD_OUT)
        for n, p in zip(names, parts, strict=True)
    )


# --- reading the tarball --------------------------------------------------------------------


def test_read_pages_yields_every_page_in_name_order(pages):
    assert [p.name for p in pages] == sorted(ARTICLES)
    tram = next(p for p in pages if p.name == "tram-line")
    assert tram.text == raw_text("tram-line").encode()
    assert tram.html == html_page("tram-line").encode()
    assert tram.truth == truth("tram-line")


# --- scoring one page -----------------------------------------------------------------------


def test_score_page_right_on_every_field_of_a_plain_text_page():
    score, seconds = ingest_eval.score_page(page("tram-line"), "text")
    assert (score.name, score.part, score.language) == ("tram-line", DEV, "en")
    assert score.right == dict.fromkeys(FIELDS, True)
    assert score.why == {}
    assert seconds > 0


def test_score_page_reads_german_pages_too():
    score, _ = ingest_eval.score_page(page("stadtbahn"), "text")
    assert score.language == "de"
    assert score.right == dict.fromkeys(FIELDS, True), score.why


def test_score_page_names_the_wanted_and_the_found_title():
    score, _ = ingest_eval.score_page(page("bridge-repairs"), "text")
    assert score.right["title"] is False
    assert score.why["title"] == (
        "want 'a headline this page does not have', got 'old bridge closes for six months of repairs'"
    )
    # The other fields of the same page are still scored on their own.
    assert score.right["author"] and score.right["date"] and score.right["kept"]
    assert set(score.why) == {"title"}


def test_score_page_says_which_snippet_was_lost_and_which_was_kept():
    wrong = page("library-hours")
    wrong.truth = {
        **wrong.truth,
        "with": ["a sentence the article never says"],
        "without": ["Supporters", "most of its readers could not visit it"],
        "author": "Someone Else",
        "date": "1999-12-31",
    }
    score, _ = ingest_eval.score_page(wrong, "text")
    assert score.right == {"title": True, "author": False, "date": False, "kept": False, "dropped": False}
    assert score.why["kept"] == "lost 'a sentence the article never says'"
    assert score.why["dropped"] == "kept 'most of its readers could not visit it'"
    assert score.why["author"] == "want 'someone else', got 'mary major'"
    assert score.why["date"] == "want '1999-12-31', got '2024-01-21'"


def test_score_page_with_no_date_on_either_side_is_right():
    undated = page("bakery-prize")
    undated.text = undated.text.replace(b"8 October 2022\n", b"")
    undated.truth = {**undated.truth, "date": ""}
    score, _ = ingest_eval.score_page(undated, "text")
    assert score.right["date"] is True


def test_score_page_lists_a_refused_capture_as_wrong_everywhere():
    empty = Page("empty", b"", b"", truth("tram-line"))
    score, _ = ingest_eval.score_page(empty, "text")
    assert score.right == dict.fromkeys(FIELDS, False)
    assert all(why.startswith("refused: ") for why in score.why.values())
    assert score.language == "?"


def test_score_page_scores_the_html_capture():
    score, _ = ingest_eval.score_page(page("tram-line"), "html")
    assert score.right["title"] and score.right["date"] and score.right["dropped"], score.why


# --- the whole set --------------------------------------------------------------------------


def test_evaluate_scores_every_page_for_each_kind(runs):
    assert [r.kind for r in runs] == ["text", "html"]
    for run in runs:
        assert [s.name for s in run.scores] == sorted(ARTICLES)
        assert {s.name for s in run.by_part(DEV)} == DEV_NAMES
        assert {s.name for s in run.by_part(HELD_OUT)} == HELD_OUT_NAMES
        assert run.seconds > 0 and run.per_second > 0
    text = runs[0]
    # Every raw-text page is right except the two titles that are wrong on purpose.
    assert text.rate() == {"title": 0.8, "author": 1.0, "date": 1.0, "kept": 1.0, "dropped": 1.0}
    assert text.rate(text.by_part(HELD_OUT))["title"] == 0.5
    assert text.rate(text.by_part(DEV))["title"] == 0.875
    assert text.rate([]) == dict.fromkeys(FIELDS, 0.0)


def test_evaluate_only_the_kinds_asked_for(pages):
    assert [r.kind for r in ingest_eval.evaluate(pages, ["html"])] == ["html"]


def test_table_has_a_row_per_kind_and_part(runs):
    rows = ingest_eval.table(runs).splitlines()
    assert rows[0].split() == ["pages", "n", *FIELDS, "files/s"]
    assert set(rows[1]) == {"-"}
    labels = [row[:22].strip() for row in rows[2:]]
    assert labels == ["text, all", "text, dev", "text, held-out", "html, all", "html, dev", "html, held-out"]
    text_all, text_dev, text_held = (row[22:].split() for row in rows[2:5])
    assert text_all[:6] == ["10", "0.80", "1.00", "1.00", "1.00", "1.00"]
    assert float(text_all[6]) > 0  # files per second, on the "all" row only
    assert text_dev == ["8", "0.88", "1.00", "1.00", "1.00", "1.00"]
    assert text_held == ["2", "0.50", "1.00", "1.00", "1.00", "1.00"]
    assert [row[22:].split()[0] for row in rows[5:]] == ["10", "8", "2"]


def test_language_table_groups_development_pages_by_language(runs):
    rows = ingest_eval.language_table(runs[0], minimum=3).splitlines()
    assert rows[0].startswith("text by language (dev pages)")
    # The two held-out pages (both English) are not in it.
    assert [row.split()[:3] for row in rows[1:]] == [["en", "5", "0.80"], ["de", "3", "1.00"]]
    assert ingest_eval.language_table(runs[0], minimum=4).splitlines()[1:] == rows[1:2]


def test_failures_list_development_pages_only(runs):
    listing = ingest_eval.failures(runs[0], limit=5, fields=["title"])
    assert listing.splitlines() == [
        "text title: 1 development pages wrong",
        "  bridge-repairs [en] want 'a headline this page does not have', "
        "got 'old bridge closes for six months of repairs'",
    ]
    assert "orchestra" not in ingest_eval.failures(runs[0], limit=5)


def test_results_give_figures_per_language_and_only_development_failures(runs):
    out = json.loads(json.dumps(ingest_eval.results(runs)))  # as the command writes it
    assert set(out) == {"text", "html"}
    text = out["text"]
    assert text["all"]["title"] == 0.8
    assert text[DEV]["title"] == 0.875 and text[HELD_OUT]["title"] == 0.5
    assert text["files_per_second"] > 0
    assert text["languages_part"] == DEV
    assert text["languages"] == {
        "en": {"pages": 5, "title": 0.8, "author": 1.0, "date": 1.0, "kept": 1.0, "dropped": 1.0},
        "de": {"pages": 3, "title": 1.0, "author": 1.0, "date": 1.0, "kept": 1.0, "dropped": 1.0},
    }
    assert text["development_failures"] == {
        "bridge-repairs": {
            "title": "want 'a headline this page does not have', "
            "got 'old bridge closes for six months of repairs'"
        }
    }
    for kind in out.values():
        assert set(kind["development_failures"]) <= DEV_NAMES
        assert sum(lang["pages"] for lang in kind["languages"].values()) == len(DEV_NAMES)


# --- the command ----------------------------------------------------------------------------


@pytest.fixture
def default_set(tarball, monkeypatch) -> Path:
    """The fixture's tarball standing where the command looks for the development set."""
    monkeypatch.setattr(eval_ingest, "DEFAULT_SET", tarball)
    return tarball


def test_eval_ingest_prints_the_table_and_writes_the_json(default_set, tmp_path):
    out, output = io.StringIO(), tmp_path / "out" / "eval.json"
    call_command("eval_ingest", "--output", str(output), stdout=out)
    printed = out.getvalue()
    assert printed.splitlines()[0].split() == ["pages", "n", *FIELDS, "files/s"]
    for label in ("text, all", "text, dev", "text, held-out", "html, all", "html, dev", "html, held-out"):
        assert f"\n{label} " in printed
    assert "text by language (dev pages)" in printed and "html by language (dev pages)" in printed
    assert printed.rstrip().endswith(f"wrote {output}")
    written = json.loads(output.read_text())
    assert set(written) == {"text", "html"}
    assert written["text"]["all"]["title"] == 0.8
    assert set(written["text"]["languages"]) == {"en", "de"}
    assert "orchestra" not in json.dumps(written)  # held-out pages are never listed


def test_eval_ingest_failures_and_one_kind(default_set, tmp_path):
    out = io.StringIO()
    call_command(
        "eval_ingest",
        "--output",
        str(tmp_path / "o.json"),
        "--kind",
        "text",
        "--failures",
        "3",
        "--field",
        "title",
        stdout=out,
    )
    printed = out.getvalue()
    assert "html, all" not in printed
    assert "text title: 1 development pages wrong" in printed
    assert "  bridge-repairs [en] want 'a headline this page does not have'" in printed
    assert "text author:" not in printed
    assert set(json.loads((tmp_path / "o.json").read_text())) == {"text"}


def test_eval_ingest_part_scores_one_side_of_the_split(default_set, tmp_path):
    out = io.StringIO()
    call_command("eval_ingest", "--output", str(tmp_path / "o.json"), "--part", "dev",
                 "--kind", "text", stdout=out)
    printed = out.getvalue()
    assert "\ntext, dev " in printed
    assert "held-out" not in printed and "text, all" not in printed
    written = json.loads((tmp_path / "o.json").read_text())
    assert HELD_OUT not in written["text"] and DEV in written["text"]


def test_eval_ingest_part_refuses_a_corpus_without_the_split(tarball, tmp_path):
    with pytest.raises(CommandError, match="development set only"):
        call_command("eval_ingest", "--corpus", str(tarball), "--part", "dev",
                     "--output", str(tmp_path / "o.json"))


def test_eval_ingest_without_the_data_names_the_missing_path(tmp_path, monkeypatch):
    missing = tmp_path / "missing.tar.gz"
    monkeypatch.setattr(eval_ingest, "DEFAULT_SET", missing)
    with pytest.raises(CommandError, match="No development set") as raised:
        call_command("eval_ingest", "--output", str(tmp_path / "o.json"))
    assert str(missing) in str(raised.value)
    with pytest.raises(CommandError, match="No corpus at"):
        call_command("eval_ingest", "--corpus", str(tmp_path / "other"), "--output", str(tmp_path / "o.json"))
    assert not (tmp_path / "o.json").exists()


# --- another corpus -------------------------------------------------------------------------


def unpack(tarball: Path, directory: Path) -> Path:
    """The corpus as a directory: truth.json, html/ and text/ (the tarball's top folder dropped)."""
    with tarfile.open(tarball) as tar:
        for member in tar:
            target = directory / Path(member.name).relative_to("rawtext-dev")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(tar.extractfile(member).read())
    return directory


def test_read_pages_reads_a_directory_like_the_tarball(tarball, tmp_path):
    directory = unpack(tarball, tmp_path / "corpus")
    from_dir = list(ingest_eval.read_pages(directory))
    assert from_dir == list(ingest_eval.read_pages(tarball))
    assert [p.name for p in from_dir] == sorted(ARTICLES)


def test_read_pages_without_the_split_makes_every_page_unseen(tarball):
    pages = list(ingest_eval.read_pages(tarball, split=False))
    assert {p.part for p in pages} == {UNSEEN}
    assert Page("orchestra", b"", b"", {}, split=False).part == UNSEEN


def test_read_pages_takes_a_tarball_without_a_top_folder(tmp_path):
    path = tmp_path / "flat.tar.gz"
    files = {"truth.json": json.dumps({"tram-line": truth("tram-line")}),
             "html/tram-line.html": html_page("tram-line"), "text/tram-line.txt": raw_text("tram-line")}
    with tarfile.open(path, "w:gz") as tar:
        for member, content in files.items():
            info = tarfile.TarInfo(member)
            info.size = len(content.encode())
            tar.addfile(info, io.BytesIO(content.encode()))
    assert [p.name for p in ingest_eval.read_pages(path)] == ["tram-line"]


def test_read_pages_names_a_missing_capture(tarball, tmp_path):
    directory = unpack(tarball, tmp_path / "corpus")
    (directory / "text" / "orchestra.txt").unlink()
    with pytest.raises(ValueError, match="text/orchestra.txt"):
        list(ingest_eval.read_pages(directory))
    (directory / "truth.json").unlink()
    with pytest.raises(ValueError, match="no truth.json"):
        list(ingest_eval.read_pages(directory))


def test_eval_ingest_on_another_corpus_reports_one_unseen_part(tarball, tmp_path):
    directory = unpack(tarball, tmp_path / "corpus")
    for corpus in (tarball, directory):
        out, output = io.StringIO(), tmp_path / "o.json"
        call_command("eval_ingest", "--corpus", str(corpus), "--output", str(output),
                     "--failures", "5", stdout=out)
        rows = out.getvalue().splitlines()
        assert [row[:22].strip() for row in rows[2:4]] == ["text, unseen", "html, unseen"]
        assert rows[2][22:].split()[:6] == ["10", "0.80", "1.00", "1.00", "1.00", "1.00"]
        assert float(rows[2][22:].split()[6]) > 0  # files per second on the part's own row
        printed = out.getvalue()
        assert "dev" not in printed.replace("development", "") and "held-out" not in printed
        assert "text by language (unseen pages)" in printed
        # Failures are listed for development pages only, and this corpus has none.
        assert "text: no development pages to list" in printed
        assert "bridge-repairs" not in printed
        written = json.loads(output.read_text())
        assert set(written["text"]) >= {"all", UNSEEN} and DEV not in written["text"]
        assert written["text"][UNSEEN]["title"] == 0.8
        assert written["text"]["development_failures"] == {}


def test_eval_ingest_refuses_a_corpus_it_cannot_read(tmp_path):
    broken = tmp_path / "broken.tar.gz"
    broken.write_bytes(b"not a tarball")
    with pytest.raises(CommandError, match="Cannot read the corpus"):
        call_command("eval_ingest", "--corpus", str(broken), "--output", str(tmp_path / "o.json"))
    with pytest.raises(CommandError, match="no truth.json"):
        call_command("eval_ingest", "--corpus", str(tmp_path), "--output", str(tmp_path / "o.json"))


# --- the title ranker's trainer -------------------------------------------------------------


def synthetic_examples(
    rng: np.random.Generator, pages: int, candidates: int = 6, width: int = 4
) -> list[tuple[np.ndarray, int]]:
    """Candidate sets where feature 0 alone marks the right headline; the rest is noise."""
    examples = []
    for _ in range(pages):
        matrix = rng.normal(size=(candidates, width))
        matrix[:, 0] = 0.0
        label = int(rng.integers(candidates))
        matrix[label, 0] = 1.0
        examples.append((matrix, label))
    return examples


def test_train_ranks_the_marked_candidate_first():
    rng = np.random.default_rng(7)
    examples = synthetic_examples(rng, 40)
    weights = train(examples, steps=500)
    assert weights.shape == (4,)
    assert weights[0] > 0 and weights[0] > 2 * np.abs(weights[1:]).max()
    for matrix, label in examples + synthetic_examples(rng, 40):  # and on pages it never saw
        assert int(np.argmax(matrix @ weights)) == label


def test_train_without_steps_leaves_the_weights_at_zero():
    examples = synthetic_examples(np.random.default_rng(1), 5)
    assert not train(examples, steps=0).any()
