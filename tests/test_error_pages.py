"""Branded error pages as a reader meets them with DEBUG off: a way to search and a way home."""

import pytest
from django.template.loader import get_template
from django.test import Client
from django.urls import path, reverse
from pytest_django.asserts import assertContains, assertNotContains

from archive.urls import urlpatterns as site_patterns


def boom(request):
    raise RuntimeError("a bug in a view")


# This module doubles as a URLconf: the site's own URLs plus one view that always fails.
urlpatterns = [path("boom/", boom), *site_patterns]


@pytest.fixture
def error_site(settings):
    settings.DEBUG = False
    settings.ROOT_URLCONF = __name__


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/no/such/page/", "/authors/nobody-of-that-name/", "/articles/999999/"])
def test_not_found_is_the_branded_page_with_search_and_the_way_home(client, error_site, url):
    response = client.get(url)
    assert response.status_code == 404
    assertContains(response, "<h1 id=\"error-h\">Page not found</h1>", status_code=404, html=True)
    assertContains(response, f'action="{reverse("search:search")}"', status_code=404)
    assertContains(response, f'<a href="{reverse("archive:home")}">Home</a>', status_code=404, html=True)
    assertContains(response, f'<a href="{reverse("archive:latest")}">Latest articles</a>',
                   status_code=404, html=True)
    assertContains(response, "<code>" + url + "</code>", status_code=404)
    # A page that does not exist has no feed to follow.
    assertNotContains(response, "application/atom+xml", status_code=404)


@pytest.mark.django_db
def test_not_found_escapes_the_path_it_shows(client, error_site):
    response = client.get("/<script>alert(1)</script>/")
    assert response.status_code == 404
    assertNotContains(response, "<script>alert(1)", status_code=404)


def test_server_error_is_the_branded_page_even_without_a_database(error_site):
    """No ``django_db`` mark: touching the database here would itself fail the test."""
    response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    assertContains(response, "<h1>Something went wrong</h1>", status_code=500, html=True)
    # Its links are written out (no url tag may fail here): they must still be the real ones.
    assertContains(response, f'<form role="search" action="{reverse("search:search")}" method="get">',
                   status_code=500)
    assertContains(response, f'<a href="{reverse("archive:home")}">Back to the home page</a>',
                   status_code=500, html=True)
    assertNotContains(response, "a bug in a view", status_code=500)
    assertNotContains(response, "Traceback", status_code=500)


def test_server_error_page_renders_with_no_context_at_all():
    html = get_template("500.html").render()
    assert "Something went wrong" in html and 'name="q"' in html
