"""The seed collection: loaded once, with the metadata each capture's own text states."""

import datetime
import hashlib
from pathlib import Path

import pytest
from django.core.management import call_command

from archive.models import Article, Capture, Topic

pytestmark = pytest.mark.django_db

SEEDS_DIR = Path(__file__).resolve().parents[2] / "shared" / "seeds"
RESIDUE = ["Share This", "Leave a Reply", "CAPTCHA", "Newsletter", "anti-spam",
           "Charachters left", "Previous Article", "comments on this", "You are here",
           "Banner image", "Photo by", "read more", "worldcuplogo"]

EXPECTED = {
    # file: (title, authors, outlet, published, precision)
    "000_0f5aedd3c66ba99a.txt": ("U.S. Russia Relations under President Trump",
                                 ["Naser Koshan"], None, datetime.date(2017, 2, 1), "month"),
    "001_db97465ef9819302.txt": ("The Future of US-Russia Relations Under Trump Presidency",
                                 ["Maia Otarashvili"], None, None, "unknown"),
    "002_fdd94eb909fc7a73.txt": (
        "US–Russia Relations: Is the Prospect of a Trump–Putin Reset Over?",
        ["Sarah Lain"], "RUSI", datetime.date(2017, 2, 22), "day"),
    "003_2f742e25d7684a9a.txt": (
        "Russian-U.S. Relations: Opportunities and Obstacles for Trump and Putin",
        ["Richard Weitz"], None, datetime.date(2017, 5, 22), "day"),
    "004_824f32114a763518.txt": ("Trump: Russia’s Chance for Friendship?", [], None, None,
                                 "unknown"),
}


def test_seed_metadata_is_what_the_captures_state(seeded):
    for capture in Capture.objects.select_related("article__outlet"):
        article = capture.article
        title, authors, outlet, published, precision = EXPECTED[capture.file_name]
        assert article.title == title
        assert [a.name for a in article.author_list] == authors
        assert (article.outlet.name if article.outlet else None) == outlet
        assert (article.published, article.date_precision) == (published, precision)


def test_seed_bodies_hold_the_article_alone(seeded):
    for article in Article.objects.all():
        for residue in RESIDUE:
            assert residue.casefold() not in article.body_text.casefold(), (article.pk, residue)
        assert len(article.paragraphs) >= 10
        assert article.word_count > 900


def test_captures_are_the_original_bytes(seeded):
    assert Capture.objects.count() == 5
    for capture in Capture.objects.all():
        assert hashlib.sha256(bytes(capture.content)).hexdigest() == capture.sha256
        if SEEDS_DIR.exists():
            assert bytes(capture.content) == (SEEDS_DIR / capture.file_name).read_bytes()


def test_seed_loading_is_once_only(seeded):
    Article.objects.filter(pk=1).update(title="Edited by an editor")
    Article.objects.get(pk=5).delete()
    call_command("load_seed_collection", verbosity=0)
    assert Article.objects.count() == 4
    assert Article.objects.get(pk=1).title == "Edited by an editor"


def test_starter_topics_each_have_a_query(seeded):
    topics = Topic.objects.all()
    assert {t.slug for t in topics} >= {"sanctions", "crimea-ukraine", "syria-isis", "nato",
                                         "election-interference", "michael-flynn",
                                         "nuclear-arms", "china", "iran", "north-korea"}
    assert all(t.query and t.description for t in topics)
