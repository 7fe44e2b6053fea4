"""The HAProxy configuration in deploy/, run for real in front of two gunicorn instances."""

import http.client
import os
import ssl
import time

import pytest

from actionhub.tests.processes import Proxy, Server, manage, site_env


@pytest.fixture(autouse=True)
def _haproxy_installed():
    if not os.path.exists("/usr/sbin/haproxy"):
        message = "The deployment test needs Debian's haproxy: sudo apt-get install -y haproxy"
        if os.environ.get("CI"):
            pytest.fail(f"{message} (CI never skips it)")
        pytest.skip(message)


@pytest.fixture
def proxied_site(tmp_path):
    env = site_env(f"sqlite:///{tmp_path / 'site.sqlite3'}", tmp_path) | {
        "DJANGO_BEHIND_TLS_PROXY": "true", "DJANGO_PROXY_COUNT": "1",
        "DJANGO_SECURE_SSL_REDIRECT": "true", "DJANGO_SECURE_COOKIES": "true",
    }  # fmt: skip
    manage(env, "migrate", "--no-input")
    manage(env, "collectstatic", "--no-input")
    manage(env, "load_campaign", "campaign_packs/uyghur-solidarity")
    instances = [Server(env, "actionhub.wsgi", workers=1, threads=2) for _ in range(2)]
    proxy = Proxy(tmp_path, [instance.port for instance in instances], threads=2)
    http_port, https_port = proxy.http_port, proxy.https_port
    try:
        wait_until(
            lambda: proxy.process.poll() is None and get(https_port, "/robots.txt").status == 200
        )
        time.sleep(6.5)  # three rounds of health checks: an instance failing them is out by now
        yield http_port, https_port, instances
    finally:
        proxy.stop()
        for instance in instances:
            if instance.process.poll() is None:
                instance.stop()


def get(port, path, *, tls=True):
    if tls:
        context = ssl.create_default_context()
        context.check_hostname, context.verify_mode = False, ssl.CERT_NONE  # our own test cert
        client = http.client.HTTPSConnection("127.0.0.1", port, timeout=15, context=context)
    else:
        client = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    try:
        client.request("GET", path, headers={"Host": "localhost"})
        response = client.getresponse()
        response.body = response.read().decode()
        return response
    except OSError:
        return None
    finally:
        client.close()


def wait_until(condition, seconds=20):
    deadline = time.monotonic() + seconds
    while True:
        try:
            if condition():
                return
        except AttributeError:  # no answer yet
            pass
        assert time.monotonic() < deadline, "the proxy and the site start"
        time.sleep(0.2)


def test_the_site_behind_haproxy_over_tls_then_an_instance_lost_then_both(proxied_site):
    http_port, https_port, instances = proxied_site

    plain = get(http_port, "/pledge/", tls=False)
    assert plain.status == 301 and plain.headers["Location"].startswith("https://")
    page = get(https_port, "/pledge/stop-uyghur-genocide/")
    assert page.status == 200, "the site sees HTTPS through the proxy, so does not redirect"
    assert "max-age=31536000" in page.headers["Strict-Transport-Security"]
    assert "Secure" in page.headers["Set-Cookie"]

    instances[0].kill()
    answers = [get(https_port, "/pledge/stop-uyghur-genocide/").status for _ in range(10)]
    assert answers == [200] * 10, "the other instance takes every request"

    instances[1].kill()
    busy = get(https_port, "/pledge/stop-uyghur-genocide/")
    assert busy.status == 503
    assert busy.headers["Retry-After"] == "10"
    assert "The site is busy" in busy.body
