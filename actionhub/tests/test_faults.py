"""Faults on real processes: the site under gunicorn while PostgreSQL refuses it, then returns."""

import http.client
import re
import time
from http.cookies import SimpleCookie
from urllib.parse import urlencode

import psycopg
import pytest
from django.db import connection

from actionhub.campaigns.models import Pledge
from actionhub.pledges.models import Signature
from actionhub.tests.processes import Server, manage, site_env

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="A database server that goes away is PostgreSQL's case; CI runs this on PostgreSQL",
)


class Visitor:
    """One browser: keeps its cookies and reads the form's hidden fields."""

    def __init__(self, port):
        self.port = port
        self.cookies = SimpleCookie()

    def request(self, method, path, fields=None):
        client = http.client.HTTPConnection("127.0.0.1", self.port, timeout=15)
        headers = {"Cookie": "; ".join(f"{k}={m.value}" for k, m in self.cookies.items())}
        body = None
        if fields is not None:
            body = urlencode(fields)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.monotonic()
        client.request(method, path, body=body, headers=headers)
        response = client.getresponse()
        response.body = response.read().decode()
        response.seconds = time.monotonic() - started
        for cookie in response.headers.get_all("Set-Cookie") or []:
            self.cookies.load(cookie)
        client.close()
        return response

    def sign(self, path, email):
        page = self.request("GET", path)
        fields = dict(re.findall(r'type="hidden" name="(\w+)" value="([^"]*)"', page.body))
        fields |= {"first_name": "Dilnur", "email": email, "postcode": "NW3 7UX", "sign": "on"}
        return self.request("POST", path, fields)


def set_connections_allowed(allowed: bool):
    """As a restart looks to the site: every connection it had is cut, and new ones are refused.
    This test's own connection is kept, to read what was stored."""
    settings = connection.settings_dict
    name = connection.ops.quote_name(settings["NAME"])
    with psycopg.connect(
        host=settings["HOST"], port=settings["PORT"], user=settings["USER"], dbname="postgres",
        autocommit=True,
    ) as admin:  # fmt: skip
        admin.execute(f"ALTER DATABASE {name} WITH ALLOW_CONNECTIONS {str(allowed).lower()}")
        if not allowed:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = %s AND pid <> %s",
                [settings["NAME"], connection.connection.info.backend_pid],
            )


@pytest.fixture
def site(transactional_db, campaign, tmp_path):
    settings = connection.settings_dict
    url = f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"
    env = site_env(url, tmp_path)
    manage(env, "collectstatic", "--no-input")
    server = Server(env, "actionhub.wsgi", workers=1, threads=4)
    try:
        yield server
    finally:
        set_connections_allowed(True)
        server.stop()


def test_while_postgresql_refuses_the_site_answers_503_and_it_recovers_by_itself(site):
    pledge_path = f"/pledge/{Pledge.objects.get().slug}/"
    supporter = Visitor(site.port)
    assert supporter.request("GET", pledge_path).status == 200
    first = supporter.sign(pledge_path, "before@example.org")
    assert first.status == 303, re.findall(r"error[^<]*<[^>]*>([^<]+)", first.body)

    set_connections_allowed(False)
    newcomer = Visitor(site.port)
    kept = newcomer.request("GET", pledge_path)
    refused = newcomer.sign(pledge_path, "during@example.org")
    unseen = Visitor(site.port).request("GET", "/appeal/")

    assert kept.status == 200, "a page kept in the cache is still served"
    assert "Sign the pledge" in kept.body
    for response in (refused, unseen):
        assert response.status == 503
        assert response.headers["Retry-After"] == "10"
        assert "The site is busy" in response.body
        assert response.seconds < 10

    set_connections_allowed(True)
    deadline = time.monotonic() + 10
    while Visitor(site.port).request("GET", "/appeal/").status != 200:
        assert time.monotonic() < deadline, "the site recovers within 10 s of the database"
        time.sleep(0.2)
    assert supporter.sign(pledge_path, "after@example.org").status == 303
    stored = set(Signature.objects.values_list("person__email", flat=True))
    assert stored == {"before@example.org", "after@example.org"}
