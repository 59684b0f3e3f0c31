"""Only staff can change the archive, and every response is hardened (issue 6, promise 5).

The URLs are enumerated from the URLconf, never listed by hand: a view added tomorrow (another
``get_urls`` page, another model admin) is tested without anyone remembering to.
"""

import datetime
import os
import re
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.resolvers import RoutePattern

from archive.models import Article, Capture, Topic, UploadItem
from tests.factories import make_article, make_author, make_outlet
from tests.test_import_command import ARTICLE

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]

# A broken walker must not pass by finding nothing: today there are 62 admin and 18 public URLs.
MIN_ADMIN_URLS, MIN_PUBLIC_URLS = 55, 15
UPLOAD_URLS = {"admin:archive_article_upload", "admin:archive_article_review",
               "admin:archive_article_upload_done"}
HTML_CAPTURE = (b'<!doctype html><html><head><title>Evil</title></head><body>'
                b'<script>document.cookie="stolen"</script><p>A capture.</p></body></html>')


@dataclass(frozen=True)
class Route:
    """One view of the URLconf with the patterns leading to it (include prefixes, then its own)."""

    patterns: tuple
    view: URLPattern
    namespace: str

    @property
    def text(self) -> str:
        return "".join(str(p) for p in self.patterns)

    @property
    def name(self) -> str:
        return f"{self.namespace}:{self.view.name}" if self.view.name else self.text

    @property
    def is_admin(self) -> bool:
        return self.namespace == "admin"

    @property
    def model(self):
        """The model of a ModelAdmin's URL (``admin/archive/article/…``), or None."""
        for pattern in self.patterns[1:-1]:
            if match := re.fullmatch(r"(\w+)/(\w+)/", str(pattern)):
                return apps.get_model(*match.groups())
        return None


def all_routes(patterns=None, prefix=(), namespace="") -> list[Route]:
    routes = []
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            routes += all_routes(entry.url_patterns, (*prefix, entry.pattern),
                                 entry.namespace or namespace)
        else:
            routes.append(Route((*prefix, entry.pattern), entry, namespace))
    return routes


CONVERTER = re.compile(r"<(?:[^>:]+:)?(?P<name>[^>]+)>")
GROUP = re.compile(r"\(\?P<(?P<name>\w+)>[^)]*\)")


def url_of(route: Route, world: "World") -> str:
    """A real path for ``route``, every converter filled with an existing object's value."""
    parts = []
    for pattern in route.patterns:
        if isinstance(pattern, RoutePattern):
            parts.append(CONVERTER.sub(lambda m, p=pattern: p.converters[m["name"]].to_url(
                world.value(route, m["name"])), str(pattern)))
        else:
            parts.append(GROUP.sub(lambda m: str(world.value(route, m["name"])), str(pattern).strip("^$")))
    url = "/" + "".join(parts)
    assert resolve(url).func is route.view.callback, f"{url} does not lead to {route.name}"
    return url


class World:
    """One of everything a URL can name, and the value each URL converter takes."""

    def __init__(self):
        self.outlet = make_outlet("The Evening Courier", slug="evening-courier")
        self.author = make_author("Sarah Lain", slug="sarah-lain")
        self.topic = Topic.objects.create(name="Crimea", slug="crimea", query="crimea")
        self.article = make_article(title="Sanctions and Crimea", outlet=self.outlet, authors=[self.author],
                                    published=datetime.date(2017, 2, 22), date_precision="day")
        self.article.topics.add(self.topic)
        self.capture = Capture.objects.create(article=self.article, file_name="page.html",
                                              media_type="text/html", content=HTML_CAPTURE)
        self.batch = uuid.uuid4()
        self.item = UploadItem.objects.create(batch=self.batch, position=0, file_name="a.txt",
                                              content=ARTICLE.encode(), draft=None)
        user_model = apps.get_model("auth", "User")
        self.victim = user_model.objects.create_user("victim", password="victim-pw-5521")
        self.group = Group.objects.create(name="Editors")
        self.by_model = {Article: self.article, Capture: self.capture, Topic: self.topic,
                         UploadItem: self.item, user_model: self.victim, Group: self.group,
                         type(self.outlet): self.outlet, type(self.author): self.author}

    def value(self, route: Route, kwarg: str):
        """The value of one URL parameter; a parameter nobody has thought of fails loudly."""
        model = route.model
        if kwarg in ("object_id", "id") and model is not None:
            return str(self.by_model[model].pk)
        by_name = {
            ("archive:capture", "pk"): self.capture.pk,
            ("archive:author", "slug"): self.author.slug,
            ("archive:outlet", "slug"): self.outlet.slug,
            ("search:topic", "slug"): self.topic.slug,
            ("search:topic-export", "slug"): self.topic.slug,
            ("follow:author-feed", "slug"): self.author.slug,
            ("follow:outlet-feed", "slug"): self.outlet.slug,
            ("follow:topic-feed", "slug"): self.topic.slug,
            ("follow:sitemap-section", "section"): "articles",
        }
        by_kwarg = {
            "pk": self.article.pk, "slug": self.article.slug, "year": 2017, "month": 2,
            "batch": self.batch, "app_label": "archive", "url": "no-such-page/",
            "content_type_id": str(ContentType.objects.get_for_model(Article).pk),
            "object_id": str(self.article.pk),
        }
        if (route.name, kwarg) in by_name:
            return by_name[(route.name, kwarg)]
        if kwarg not in by_kwarg:
            raise AssertionError(f"{route.name} takes {kwarg!r}: give it a real value in World.value")
        return by_kwarg[kwarg]

    def hostile_post(self) -> dict:
        """Fields that would add, change or delete something if any admin view accepted them."""
        return {
            "name": "Intruder", "slug": "intruder", "title": "Intruder", "body_text": "Injected text.",
            "query": "x", "date_precision": "unknown", "pasted": ARTICLE, "username": "intruder",
            "password": "intruder-pw-1", "password1": "intruder-pw-1", "password2": "intruder-pw-1",
            "old_password": "victim-pw-5521", "new_password1": "intruder-pw-1",
            "new_password2": "intruder-pw-1", "is_staff": "on", "is_superuser": "on",
            "post": "yes", "action": "delete_selected", "index": "0",
            "_selected_action": [str(o.pk) for o in self.by_model.values()],
            "form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "1", "form-0-item": str(self.item.pk),
            "form-0-include": "on", "form-0-title": "Intruder",
        }


def snapshot() -> dict:
    """Every row of every table (sessions aside): a refused request must leave all of it alone."""
    def plain(value):
        return bytes(value) if isinstance(value, memoryview) else value

    return {model._meta.label: sorted((tuple(map(plain, row)) for row in model.objects.values_list()),
                                      key=repr)
            for model in apps.get_models() if model._meta.label != "sessions.Session"}


@pytest.fixture
def world(db):
    return World()


@pytest.fixture
def routes():
    found = all_routes()
    admin = [r for r in found if r.is_admin]
    public = [r for r in found if not r.is_admin]
    assert len(admin) >= MIN_ADMIN_URLS and len(public) >= MIN_PUBLIC_URLS, (len(admin), len(public))
    assert {r.name for r in admin} >= UPLOAD_URLS, "the upload views of ArticleAdmin.get_urls"
    return {"admin": admin, "public": public}


def sent_to_login(response) -> bool:
    """A refusal: 403, or a redirect to the admin login (the logout URL goes to the index,
    which sends to the login in turn)."""
    if response.status_code == 403:
        return True
    target = urlsplit(response.get("Location", "")).path
    return response.status_code == 302 and target in (reverse("admin:login"), reverse("admin:index"))


def refusals(client: Client, routes: list[Route], world: World, allowed) -> list[str]:
    """GET and POST every route; the responses ``allowed`` does not accept, as readable lines."""
    failures = []
    for route in routes:
        url = url_of(route, world)
        for method in ("get", "post"):
            data = world.hostile_post() if method == "post" else None
            response = getattr(client, method)(url, data)
            if not allowed(route, response):
                failures.append(f"{method.upper()} {url} ({route.name}) -> {response.status_code} "
                                f"{response.get('Location', '')}")
    return failures


def admin_routes_except_login(routes) -> list[Route]:
    return [r for r in routes["admin"] if r.name != "admin:login"]


def test_anonymous_is_refused_everywhere_in_the_admin(client, world, routes):
    before = snapshot()
    failures = refusals(client, admin_routes_except_login(routes), world,
                        lambda route, response: sent_to_login(response))
    assert not failures, "\n".join(failures)
    assert snapshot() == before


def test_signed_in_reader_is_refused_everywhere_in_the_admin(client, world, routes, django_user_model):
    reader = django_user_model.objects.create_user("reader", password="reader-pw-8812")
    client.force_login(reader)
    before = snapshot()
    failures = refusals(client, admin_routes_except_login(routes), world,
                        lambda route, response: sent_to_login(response))
    assert not failures, "\n".join(failures)
    assert snapshot() == before


def test_staff_without_permissions_cannot_upload_or_change_models(client, world, routes,
                                                                  django_user_model):
    """A staff account may sign in, but with no permission every model page and upload step is
    403 (the old ``<id>/`` URL just redirects to its change page, which is 403 too)."""
    staff = django_user_model.objects.create_user("intern", password="intern-pw-3390", is_staff=True)
    client.force_login(staff)
    guarded = [r for r in routes["admin"] if r.model is not None]
    assert {r.name for r in guarded} >= UPLOAD_URLS

    def allowed(route, response):
        if route.view.name is None:  # RedirectView to the change page
            return response.status_code in (301, 302) and response["Location"].endswith("/change/")
        return response.status_code == 403

    before = snapshot()
    failures = refusals(client, guarded, world, allowed)
    assert not failures, "\n".join(failures)
    assert snapshot() == before


def test_upload_needs_the_add_article_permission_not_just_change(client, world, django_user_model):
    staff = django_user_model.objects.create_user("editor2", password="editor-pw-4471", is_staff=True)
    staff.user_permissions.add(*Permission.objects.filter(
        codename__in=["view_article", "change_article", "delete_article"]))
    client.force_login(staff)
    assert client.get(reverse("admin:archive_article_changelist")).status_code == 200
    for name, args in [("admin:archive_article_upload", []), ("admin:archive_article_review", [world.batch]),
                       ("admin:archive_article_upload_done", [world.batch])]:
        assert client.post(reverse(name, args=args), world.hostile_post()).status_code == 403, name
    assert UploadItem.objects.count() == 1


def test_upload_post_needs_the_csrf_token(admin_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    url = reverse("admin:archive_article_upload")
    page = client.get(url)
    assert page.status_code == 200
    token = page.context["csrf_token"]

    refused = client.post(url, {"pasted": ARTICLE})
    assert refused.status_code == 403
    assert not UploadItem.objects.exists()

    accepted = client.post(url, {"pasted": ARTICLE, "csrfmiddlewaretoken": str(token)})
    assert accepted.status_code == 302
    item = UploadItem.objects.get()
    assert accepted["Location"] == reverse("admin:archive_article_review", args=[item.batch])
    assert item.status == UploadItem.Status.PENDING and item.uploaded_by == admin_user


# Response headers on every public page.


def directives(policy: str) -> dict[str, list[str]]:
    parsed = {}
    for part in policy.split(";"):
        if words := part.split():
            parsed[words[0].lower()] = words[1:]
    return parsed


def header_problems(response) -> list[str]:
    policy = directives(response.get("Content-Security-Policy", ""))
    script = policy.get("script-src", policy.get("default-src"))
    problems = []
    if script is None:
        problems.append("no script-src or default-src in the CSP")
    elif {"'unsafe-inline'", "'unsafe-eval'", "*"} & set(script):
        problems.append(f"script-src allows {script}")
    if response.get("X-Content-Type-Options") != "nosniff":
        problems.append("no X-Content-Type-Options: nosniff")
    if not response.get("Referrer-Policy"):
        problems.append("no Referrer-Policy")
    if response.get("X-Frame-Options") != "DENY" and policy.get("frame-ancestors") != ["'none'"]:
        problems.append("can be framed")
    return problems


def test_every_public_url_answers_with_the_security_headers(client, world, routes):
    call_command("sync_index", verbosity=0)  # the search and topic pages answer from a real index
    failures = []
    for route in routes["public"]:
        url = url_of(route, world)
        response = client.get(url)
        if response.status_code >= 400:
            failures.append(f"{url}: {response.status_code}")
        failures += [f"{url}: {problem}" for problem in header_problems(response)]
    for url in ["/no/such/page/", reverse("search:search") + "?page=abc"]:  # errors too
        response = client.get(url)
        assert response.status_code in (400, 404)
        failures += [f"{url}: {problem}" for problem in header_problems(response)]
    assert not failures, "\n".join(failures)


def test_html_capture_is_a_sanitized_download_never_a_page(client, world):
    capture = Capture.objects.create(article=world.article, file_name='Отчёт "final"\r\nSet-Cookie: x=1.html',
                                     media_type="text/html", content=HTML_CAPTURE + b"<!-- 2 -->")
    response = client.get(capture.get_absolute_url())
    assert response.status_code == 200
    assert response.content == HTML_CAPTURE + b"<!-- 2 -->"  # byte for byte
    assert response["Content-Type"] == "application/octet-stream"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert not header_problems(response)
    assert "sandbox" in directives(response["Content-Security-Policy"])
    disposition = response["Content-Disposition"]
    assert "\r" not in disposition and "\n" not in disposition and "Set-Cookie:" not in disposition
    ascii_name = re.fullmatch(r'attachment; filename="([^"\\]*)"; filename\*=UTF-8\'\'(\S+)', disposition)
    assert ascii_name, disposition
    assert ascii_name[1] == "final Set-Cookie x 1.html"
    assert unquote(ascii_name[2]) == "Отчёт final Set-Cookie x 1.html"


# Cookies as production sends them.

COOKIE_SCRIPT = """
import django
django.setup()
from django.core.management import call_command
from django.contrib.auth.models import User
from django.test import Client
call_command("migrate", verbosity=0)
User.objects.create_superuser("boss", "b@example.org", "boss-password-7781")
client = Client(HTTP_HOST="localhost")
response = client.post("/admin/login/?next=/admin/", {"username": "boss",
                       "password": "boss-password-7781"}, secure=True)
print(response.status_code, response["Location"])
print(Client(HTTP_HOST="localhost").get("/admin/login/")["Location"])  # plain http
for morsel in response.cookies.values():
    print(morsel.OutputString())
"""


def test_production_cookies_are_secure_httponly_and_samesite(tmp_path):
    env = {"PATH": os.environ["PATH"], "DJANGO_DEBUG": "0", "DJANGO_SETTINGS_MODULE": "archive.settings",
           "DJANGO_SECRET_KEY": "a-real-production-secret-" + "Zq81x" * 10,
           "DOSSIER_DATA_DIR": str(tmp_path)}
    run = subprocess.run([sys.executable, "-c", COOKIE_SCRIPT], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    status, insecure, *cookies = run.stdout.strip().splitlines()
    assert status == "302 /admin/", run.stdout  # signed in over https: no redirect to https
    assert insecure == "https://localhost/admin/login/", run.stdout
    attributes = {line.split("=", 1)[0]: {a.strip().lower() for a in line.split(";")[1:]}
                  for line in cookies}
    assert {"sessionid", "csrftoken"} <= set(attributes), run.stdout
    assert {"secure", "httponly", "samesite=lax"} <= attributes["sessionid"], run.stdout
    assert {"secure", "samesite=lax"} <= attributes["csrftoken"], run.stdout
