"""Failed admin sign-ins are throttled per account and per address, logged, and lifted by time.

The live test signs in against a real gunicorn on loopback, from several source addresses of
127.0.0.0/8 (each is an address of its own to the server), with a short cool-off.
"""

import http.client
import re
import time
import urllib.parse
from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.test import RequestFactory

from archive.signin import client_address, duration
from tests.live import ADMIN_PASSWORD, ADMIN_USER, LiveServer, page_forms

LIMIT = 5  # the default DOSSIER_SIGNIN_FAILURE_LIMIT
COOL_OFF = 20  # seconds: longer than five sign-ins take on a busy machine
LOCKED = "Too many failed sign-ins for this account or from this address"


@dataclass
class Answer:
    status: int
    location: str
    headers: http.client.HTTPMessage
    text: str


class Browser:
    """A client of the live server from one source address, keeping its cookies."""

    def __init__(self, server: LiveServer, address: str, **headers: str):
        self.server, self.address, self.headers = server, address, headers
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: str | None = None) -> Answer:
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=60,
                                          source_address=(self.address, 0))
        headers = {**self.headers, "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body, headers)
            response = conn.getresponse()
            text = response.read().decode(errors="replace")
        finally:
            conn.close()
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = cookie.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        return Answer(response.status, response.getheader("Location", ""), response.headers, text)

    def sign_in(self, username: str, password: str) -> Answer:
        """Fill in the admin's sign-in form and send it, as a person would."""
        page = self.request("GET", "/admin/login/?next=/admin/")
        form = next(f for f in page_forms(page.text) if "username" in f)
        body = urllib.parse.urlencode({**form, "username": username, "password": password})
        return self.request("POST", "/admin/login/?next=/admin/", body)


def signed_in(answer: Answer) -> bool:
    return answer.status == 302 and answer.location == "/admin/"


def refused(answer: Answer) -> bool:
    """The lock-out page: a 429 that says why and for how long, with the form to try later."""
    return (answer.status == 429 and LOCKED in answer.text and f"{COOL_OFF} seconds" in answer.text
            and answer.headers["Retry-After"] == str(COOL_OFF) and 'name="password"' in answer.text)


@pytest.fixture(scope="module")
def server():
    with LiveServer(DOSSIER_SIGNIN_COOLOFF_SECONDS=str(COOL_OFF)) as live:
        live.setup()
        live.manage("shell", "-c", "from django.contrib.auth.models import User; "
                    "User.objects.create_user('second', password='second-password-44', is_staff=True)")
        live.start()
        yield live


@pytest.mark.heavy
def test_wrong_passwords_lock_the_account_from_anywhere_until_the_cool_off(server):
    # One wrong password from each of five addresses: the account, not the address, is counted.
    answers = [Browser(server, f"127.0.0.{2 + n}").sign_in(ADMIN_USER, f"guess-{n}") for n in range(LIMIT)]
    assert [a.status for a in answers[:-1]] == [200] * (LIMIT - 1)  # the form again, with an error
    assert refused(answers[-1]), answers[-1].text[:500]

    elsewhere = Browser(server, "127.0.0.20")
    assert refused(elsewhere.sign_in(ADMIN_USER, ADMIN_PASSWORD))  # the right password, refused
    refused_at = time.monotonic()
    assert signed_in(elsewhere.sign_in("second", "second-password-44"))  # other accounts are fine

    time.sleep(max(0.0, refused_at + COOL_OFF + 1 - time.monotonic()))
    later = Browser(server, "127.0.0.20")
    assert signed_in(later.sign_in(ADMIN_USER, ADMIN_PASSWORD))
    assert later.request("GET", "/admin/").status == 200

    log = server.log()
    assert f"Sign-in locked out: account '{ADMIN_USER}' ({LIMIT} failed sign-ins)" in log
    assert server.server_errors() == []


@pytest.mark.heavy
def test_failures_from_one_address_lock_it_for_every_account(server):
    # A made-up X-Forwarded-For on every attempt changes nothing: no proxy is configured.
    spoofing = [Browser(server, "127.0.0.30", **{"X-Forwarded-For": f"203.0.113.{n}"})
                for n in range(LIMIT + 1)]
    answers = [b.sign_in(f"nobody-{n}", "guess") for n, b in enumerate(spoofing[:LIMIT])]
    assert [a.status for a in answers[:-1]] == [200] * (LIMIT - 1)
    assert refused(answers[-1])
    assert refused(spoofing[LIMIT].sign_in("second", "second-password-44"))  # a real account too
    assert signed_in(Browser(server, "127.0.0.31").sign_in("second", "second-password-44"))

    assert re.search(r"Sign-in locked out: account 'second' \(1 failed sign-ins\), address 127\.0\.0\.30 "
                     rf"\({LIMIT + 1}\)", server.log())
    assert server.server_errors() == []


# The parts Dossier decides itself, without a server.


def test_the_address_is_the_peer_unless_proxies_are_declared(settings):
    request = RequestFactory().post("/admin/login/", REMOTE_ADDR="10.0.0.5",
                                    HTTP_X_FORWARDED_FOR="198.51.100.7, 192.0.2.1, 10.0.0.1")
    settings.DOSSIER_PROXY_COUNT = 0
    assert client_address(request) == "10.0.0.5"
    settings.DOSSIER_PROXY_COUNT = 1
    assert client_address(request) == "10.0.0.1"  # what our own proxy saw
    settings.DOSSIER_PROXY_COUNT = 2
    assert client_address(request) == "192.0.2.1"
    settings.DOSSIER_PROXY_COUNT = 4  # fewer hops than proxies: the header is not ours
    assert client_address(request) == "10.0.0.5"


def test_lock_out_page_and_log_in_process(client, db, settings, caplog):
    settings.AXES_FAILURE_LIMIT = 2
    get_user_model().objects.create_user("editor", password="right-password-81", is_staff=True)
    wrong = {"username": "editor", "password": "wrong"}
    assert client.post("/admin/login/", wrong).status_code == 200
    response = client.post("/admin/login/", wrong)
    assert response.status_code == 429
    assert response["Retry-After"] == "900"
    assert f"{LOCKED}: signing in is refused for 15 minutes" in response.content.decode()
    assert client.post("/admin/login/", {**wrong, "password": "right-password-81"}).status_code == 429
    assert "Sign-in locked out: account 'editor' (3 failed sign-ins), address 127.0.0.1 (3)" in caplog.text


def test_waits_read_as_people_say_them():
    assert [duration(s) for s in (1, 20, 60, 61, 900, 3600, 5400, 7200)] == [
        "1 second", "20 seconds", "1 minute", "2 minutes", "15 minutes", "1 hour", "90 minutes",
        "2 hours"]
