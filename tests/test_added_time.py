"""An article's "added" time is when it entered this archive, seed articles included."""

import datetime
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format

from archive.models import Article, Capture

pytestmark = pytest.mark.django_db

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "seed_collection.json"


def fixture_stamps(model: str, field: str) -> set[str]:
    return {obj["fields"][field] for obj in json.loads(FIXTURE.read_text()) if obj["model"] == model}


def test_seed_articles_are_added_when_loaded_not_when_the_fixture_was_made():
    before = timezone.now()
    call_command("load_seed_collection", stdout=io.StringIO())
    after = timezone.now()
    made = {datetime.datetime.fromisoformat(s) for s in fixture_stamps("archive.article", "created")}
    assert all(stamp < before for stamp in made)  # the fixture's day is long past

    added = set(Article.objects.values_list("created", flat=True))
    assert len(added) == 1 and before <= added.pop() <= after
    uploaded = set(Capture.objects.values_list("uploaded_at", flat=True))
    assert len(uploaded) == 1 and before <= uploaded.pop() <= after


def test_the_article_page_and_feed_say_the_day_it_was_loaded(client):
    call_command("load_seed_collection", stdout=io.StringIO())
    article = Article.objects.get(pk=3)
    today = date_format(timezone.localtime(article.created), "j F Y")
    page = client.get(article.get_absolute_url())
    assert f"<dt>Added</dt><dd>{today}</dd>" in page.content.decode()
    feed = client.get(reverse("follow:latest-feed")).content.decode()
    assert f"<updated>{timezone.localtime(article.created).date().isoformat()}" in feed


def test_loading_again_loads_nothing_and_keeps_the_added_time():
    call_command("load_seed_collection", stdout=io.StringIO())
    first = dict(Article.objects.values_list("pk", "created"))
    counts = (Article.objects.count(), Capture.objects.count())
    out = io.StringIO()
    call_command("load_seed_collection", stdout=out)
    assert "not loaded again" in out.getvalue()
    assert (Article.objects.count(), Capture.objects.count()) == counts
    assert dict(Article.objects.values_list("pk", "created")) == first


def test_the_fixture_stamp_of_updated_stays_for_restore():
    """restore recognises an unchanged seed article by its fixture's ``updated``."""
    call_command("load_seed_collection", stdout=io.StringIO())
    stamps = {datetime.datetime.fromisoformat(s) for s in fixture_stamps("archive.article", "updated")}
    assert set(Article.objects.values_list("updated", flat=True)) == stamps
