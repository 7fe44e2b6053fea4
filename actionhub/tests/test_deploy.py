"""The HAProxy configuration in deploy/, run for real in front of two gunicorn instances."""

import http.client
import os
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

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


def get(port, path, *, tls=True, method="GET"):
    if tls:
        context = ssl.create_default_context()
        context.check_hostname, context.verify_mode = False, ssl.CERT_NONE  # our own test cert
        client = http.client.HTTPSConnection("127.0.0.1", port, timeout=15, context=context)
    else:
        client = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    try:
        client.request(method, path, headers={"Host": "localhost"})
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
    assert int(busy.headers["Content-Length"]) == len(busy.body.encode()), (
        "a client knows it is whole"
    )


class SlowInstance(ThreadingHTTPServer):
    """Stands in for a gunicorn instance: every answer takes a while, and it notes the most
    requests it was given at once."""

    daemon_threads = True

    def __init__(self, seconds: float):
        self.seconds, self.at_once, self.most_at_once = seconds, 0, 0
        self.lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), SlowAnswer)
        threading.Thread(target=self.serve_forever, daemon=True).start()


class SlowAnswer(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):  # noqa: N802  (the name http.server calls)
        if self.path == "/robots.txt":  # the health check
            return self.answer()
        with self.server.lock:
            self.server.at_once += 1
            self.server.most_at_once = max(self.server.most_at_once, self.server.at_once)
        time.sleep(self.server.seconds)
        with self.server.lock:
            self.server.at_once -= 1
        return self.answer()

    do_POST = do_GET  # noqa: N815

    def answer(self):
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


def test_an_instance_gets_no_more_than_its_threads_and_a_long_queue_turns_forms_away(tmp_path):
    instance = SlowInstance(seconds=0.4)
    proxy = Proxy(tmp_path, [instance.server_port], threads=1)
    try:
        wait_until(lambda: get(proxy.https_port, "/robots.txt").status == 200)
        readers = [
            threading.Thread(target=get, args=(proxy.https_port, f"/page/{n}"), daemon=True)
            for n in range(60)
        ]
        for reader in readers:
            reader.start()
        wait_until(lambda: proxy_queue_is_long(instance), seconds=10)
        started = time.monotonic()
        form = get(proxy.https_port, "/pledge/", method="POST")
        assert form.status == 503 and form.headers["Retry-After"] == "10"
        assert time.monotonic() - started < 1, "turned away at once, not after waiting its turn"
        for reader in readers:
            reader.join(timeout=20)
        assert instance.most_at_once == 2, "one thread for each of the two names it is given"
    finally:
        proxy.stop()
        instance.shutdown()


def proxy_queue_is_long(instance) -> bool:
    time.sleep(1)  # 60 readers against two places, answered at five a second: a long queue
    return instance.at_once > 0
