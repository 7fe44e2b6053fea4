"""Security headers on every page, and no page that makes the browser contact another site."""

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from actionhub.tests.pages import PUBLIC_PAGES

pytestmark = pytest.mark.django_db
REPO = Path(__file__).resolve().parents[3]

ORGANISER_PAGES = ["/admin/", "/admin/campaigns/appeal/", "/admin/core/auditentry/"]

RESOURCE_ATTRIBUTES = {
    "script": ["src"],
    "link": ["href"],
    "img": ["src", "srcset"],
    "iframe": ["src"],
    "frame": ["src"],
    "source": ["src", "srcset"],
    "video": ["src", "poster"],
    "audio": ["src"],
    "embed": ["src"],
    "object": ["data"],
    "form": ["action"],
    "input": ["formaction", "src"],
    "button": ["formaction"],
    "use": ["href", "xlink:href"],
    "image": ["href", "xlink:href"],
}


class ResourceFinder(HTMLParser):
    """Collects every address a page makes the browser fetch, and inline code or styles."""

    def __init__(self):
        super().__init__()
        self.addresses = []
        self.inline = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name in RESOURCE_ATTRIBUTES.get(tag, []):
            if attributes.get(name):
                self.addresses.extend(part.split()[0] for part in attributes[name].split(","))
        if tag == "base":
            self.inline.append("<base>")
        if tag == "style" or "style" in attributes:
            self.inline.append(f"style on <{tag}>")
        if tag == "script" and "src" not in attributes:
            self.inline.append("inline <script>")
        self.inline.extend(f"{name} on <{tag}>" for name in attributes if name.startswith("on"))
        if tag == "meta" and attributes.get("http-equiv", "").lower() == "refresh":
            self.inline.append("meta refresh")


def other_origins(addresses):
    return [
        address
        for address in addresses
        if urlsplit(address).netloc not in ("", "testserver") or address.startswith("//")
    ]


def assert_secure_headers(response, url):
    csp = response["Content-Security-Policy"]
    assert "default-src 'none'" in csp, url
    assert "script-src 'self'" in csp, url
    assert "style-src 'self'" in csp, url
    assert "frame-ancestors 'none'" in csp, url
    assert "form-action 'self'" in csp, url
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, url
    assert response["Strict-Transport-Security"].startswith("max-age=31536000"), url
    assert response["Referrer-Policy"] == "same-origin", url
    assert response["X-Content-Type-Options"] == "nosniff", url
    assert response["X-Frame-Options"] == "DENY", url
    assert response["Cross-Origin-Opener-Policy"] == "same-origin", url
    policy = response["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "browsing-topics"):
        assert f"{feature}=()" in policy, url


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_every_public_page_sends_the_security_headers(campaign, client, url):
    response = client.get(url, secure=True)
    assert response.status_code in (200, 404)
    assert_secure_headers(response, url)


@pytest.mark.parametrize("url", ORGANISER_PAGES)
def test_every_organiser_page_sends_the_security_headers(campaign, organiser_client, url):
    response = organiser_client.get(url, secure=True)
    assert response.status_code == 200
    assert_secure_headers(response, url)


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_no_public_page_references_another_origin_or_inline_code(campaign, client, url):
    finder = ResourceFinder()
    finder.feed(client.get(url).content.decode())
    assert finder.addresses, "the page should at least load its stylesheet"
    assert other_origins(finder.addresses) == []
    assert finder.inline == []


def test_the_resource_finder_notices_other_origins_and_inline_code():
    finder = ResourceFinder()
    finder.feed(
        '<link rel="stylesheet" href="https://cdn.example.com/a.css">'
        '<img src="//tracker.example.net/p.gif"><script>alert(1)</script>'
        '<p style="color: red" onclick="x()">Hi</p>'
        '<img srcset="/a.png 1x, https://e.example/b.png 2x">'
    )
    assert other_origins(finder.addresses) == [
        "https://cdn.example.com/a.css",
        "//tracker.example.net/p.gif",
        "https://e.example/b.png",
    ]
    assert finder.inline == ["inline <script>", "style on <p>", "onclick on <p>"]


def test_the_500_page_needs_nothing_from_another_origin():
    finder = ResourceFinder()
    finder.feed((REPO / "actionhub" / "templates" / "500.html").read_text())
    assert other_origins(finder.addresses) == [] and finder.inline == []
