"""Near-copies: a syndicated or lightly edited version is found at import and review, stored
pointing at the original, listed under it in results and beside it on the article page."""

import io
import json
import random

import pytest
from django.core.management import call_command
from django.urls import reverse

from archive import similarity
from archive.models import Article, TextBand

pytestmark = pytest.mark.django_db

WORDS = ["sanctions", "envoy", "summit", "pipeline", "treaty", "kremlin", "border", "senate",
         "hearing", "adviser", "embassy", "missile", "dialogue", "election", "inquiry", "budget",
         "reform", "minister", "crisis", "ceasefire"]
FUNCTION = ["the", "of", "and", "to", "in", "that", "said", "was", "for", "on", "with", "would",
            "it", "by", "officials"]


def story(seed: int, paragraphs: int = 8) -> list[str]:
    """Prose-like text with the common words of prose (so ingest keeps it as the article),
    different for every seed."""
    rng = random.Random(seed)

    def sentence() -> str:
        words = [rng.choice(FUNCTION if i % 2 else WORDS) for i in range(16)]
        return " ".join(words).capitalize() + "."
    return [" ".join(sentence() for _ in range(3)) for _ in range(paragraphs)]


def capture(title: str, paragraphs: list[str], byline: str = "By Jane Example") -> str:
    return "\n\n".join([title, byline, "14 March 2017", *paragraphs])


def run(*args) -> list[dict]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_articles", *map(str, args), "--json", stdout=out, stderr=err)
    return [json.loads(line) for line in out.getvalue().splitlines() if line.strip()]


@pytest.fixture
def original_and_copy(tmp_path):
    body = story(1)
    first = tmp_path / "first.txt"
    first.write_text(capture("Envoys meet at the border", body))
    # The same wire story elsewhere: a new headline, a paragraph cut, a closing line added.
    second = tmp_path / "second.txt"
    second.write_text(capture("Summit talks resume", body[:5] + body[6:]
                              + ["Reporting contributed by the wire service staff."]))
    other = tmp_path / "other.txt"
    other.write_text(capture("A different story", story(2)))
    return first, second, other


def test_shingles_are_stable_and_bands_find_copies_not_strangers():
    text, copy, stranger = " ".join(story(1)), " ".join(story(1)[1:]), " ".join(story(2))
    assert similarity.shingles(text) == similarity.shingles(text.upper().replace(".", " ."))
    assert similarity.resemblance(text, copy) == 1.0  # every shingle of the shorter is there
    assert similarity.resemblance(text, stranger) < 0.2
    assert set(similarity.bands(similarity.shingles(text))) & set(
        similarity.bands(similarity.shingles(copy)))
    assert not set(similarity.bands(similarity.shingles(text))) & set(
        similarity.bands(similarity.shingles(stranger)))


def test_import_stores_a_copy_pointing_at_the_original(original_and_copy):
    first, second, other = original_and_copy
    [a] = run(first)
    assert a["near_copy_of"] is None
    [b] = run(second)
    assert b["status"] == "imported" and b["near_copy_of"] == a["id"]
    assert 0.8 <= b["resemblance"] < 1.0
    assert Article.objects.get(pk=b["id"]).duplicate_of_id == a["id"]
    [c] = run(other)
    assert c["near_copy_of"] is None
    assert TextBand.objects.filter(article_id=c["id"]).count() == similarity.BANDS


def test_a_dry_run_reports_the_copy_without_storing_it(original_and_copy):
    first, second, _ = original_and_copy
    [a] = run(first)
    [b] = run(second, "--dry-run")
    assert (b["status"], b["near_copy_of"]) == ("draft", a["id"])
    assert Article.objects.count() == 1


def test_results_list_the_copy_under_the_original(original_and_copy, client):
    first, second, other = original_and_copy
    _, [b], _ = run(first), run(second), run(other)
    html = client.get(reverse("search:search"), {"q": "sanctions"}).content.decode()
    assert html.count('class="article-row"') == 2  # the copy is no hit of its own
    assert "1 other version of this story, here:" in html
    assert f'href="{Article.objects.get(pk=b["id"]).get_absolute_url()}"' in html


def test_the_article_page_lists_the_other_versions(original_and_copy, client):
    first, second, _ = original_and_copy
    [a], [b] = run(first), run(second)
    original, copy = Article.objects.get(pk=a["id"]), Article.objects.get(pk=b["id"])
    html = client.get(copy.get_absolute_url()).content.decode()
    assert "Other versions of this story (this one is" in html and "(the original)" in html
    assert original.get_absolute_url() in html
    html = client.get(original.get_absolute_url()).content.decode()
    assert copy.get_absolute_url() in html and "(the original)" not in html


def test_the_seed_collection_gets_its_bands_when_loaded():
    call_command("load_seed_collection", stdout=io.StringIO())
    assert TextBand.objects.values("article").distinct().count() == Article.objects.count() > 0


def test_the_review_page_says_how_much_of_it_is_already_stored(original_and_copy, admin_client):
    from tests.test_upload_review import review_page

    first, second, _ = original_and_copy
    [a] = run(first)
    html, _ = review_page(admin_client, second.read_bytes(), name="second.txt")
    original = Article.objects.get(pk=a["id"])
    assert f'% the same as <a href="{original.get_absolute_url()}">{original.title}</a>' in html
    percent = int(html.split('<p class="near-copy">')[1].split("%")[0])
    assert 80 <= percent < 100
