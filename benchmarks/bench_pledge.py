"""Pledge benchmark: signing at scale, against a floor measured in the same run.

For SQLite and then PostgreSQL, it starts the site with gunicorn and production-like settings and
drives it from a separate process: each signature GETs the form, POSTs it, opens its
confirmation link and presses its button, many at once. It prints signatures per second,
latency, errors, how many were acknowledged and how many rows exist, and the public count once
settled against the true count. In the same run it measures a floor (a bare WSGI app doing one
INSERT per request on the same server and database) and prints ours / floor. Then it fills the
database with a million confirmed signatures and measures the pledge page and count.json under
load. The last line is JSON.

    .venv/bin/python benchmarks/bench_pledge.py [--signatures 2000] [--fill 1000000]

Its load all comes from 127.0.0.1, so it raises the per-address limits for the run.
"""

import argparse
import http.client
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from actionhub.tests.processes import Server, manage, site_env  # noqa: E402

PLEDGE = "stop-uyghur-genocide"
PG_ADMIN_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


# The load generator: runs in its own process (`drive`), threads sharing nothing but results.


class Client:
    def __init__(self, port: int):
        self.port = port
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}

    def request(self, method, path, body=None):
        headers = {"Host": "127.0.0.1"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in range(2):
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                content = response.read()
                break
            except (http.client.HTTPException, OSError):
                self.connection.close()
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                if attempt:
                    raise
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie(header)
            self.cookies.update({key: morsel.value for key, morsel in cookie.items()})
        return response.status, response.headers, content


def sign_once(port: int, email: str, token_for) -> dict:
    client = Client(port)
    result = {"email": email, "acknowledged": False, "confirmed": False, "error": None}
    try:
        status, _, page = client.request("GET", f"/pledge/{PLEDGE}/")
        html = page.decode()
        fields = {
            "csrfmiddlewaretoken": re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[
                1
            ],
            "started": re.search(r'name="started" value="([^"]+)"', html)[1],
            "source": "benchmark",
            "first_name": "Bench",
            "last_name": "Mark",
            "email": email,
            "postcode": "NW3 7UX",
            "sign": "on",
        }
        started = time.perf_counter()
        status, _, _ = client.request("POST", f"/pledge/{PLEDGE}/", urlencode(fields))
        result["post_ms"] = (time.perf_counter() - started) * 1000
        if status != 303:
            result["error"] = f"POST answered {status}"
            return result
        result["acknowledged"] = True
        confirm_path = f"/pledge/{PLEDGE}/confirm/{token_for(email)}/"
        status, _, page = client.request("GET", confirm_path)  # the page with the button
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.decode())[1]
        status, headers, _ = client.request(
            "POST", confirm_path, urlencode({"csrfmiddlewaretoken": csrf})
        )
        result["confirmed"] = status == 302 and headers["Location"].endswith("/thank-you/")
        if not result["confirmed"]:
            result["error"] = f"confirmation answered {status}"
    except Exception as error:  # noqa: BLE001  (every failure is counted, none stops the run)
        result["error"] = f"{type(error).__name__}: {error}"
    return result


def drive_signatures(port: int, count: int, concurrency: int) -> dict:
    import django

    django.setup()
    from actionhub.pledges.models import Signature
    from actionhub.pledges.services import signature_confirmation_token

    def token_for(email):
        # The link the confirmation email would carry, read as a mail program would: by address.
        return signature_confirmation_token(Signature.objects.get(email_normalised=email))

    run = uuid.uuid4().hex[:8]
    emails = [f"bench-{run}-{n}@example.org" for n in range(count)]
    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        results = list(pool.map(lambda email: sign_once(port, email, token_for), emails))
    elapsed = time.perf_counter() - started
    posts = [result["post_ms"] for result in results if "post_ms" in result]
    rows = Signature.objects.filter(email_normalised__in=emails)
    acknowledged = sum(result["acknowledged"] for result in results)
    errors = [result["error"] for result in results if result["error"]]
    return {
        "signatures": count,
        "seconds": round(elapsed, 2),
        "signatures_per_s": round(count / elapsed, 1),
        "p50_ms": round(percentile(posts, 0.50), 1),
        "p95_ms": round(percentile(posts, 0.95), 1),
        "p99_ms": round(percentile(posts, 0.99), 1),
        "errors": len(errors),
        "first_errors": errors[:3],
        "acknowledged": acknowledged,
        "rows": rows.count(),
        "confirmed_rows": rows.filter(status="confirmed").count(),
        "lost": max(0, acknowledged - rows.count()),
        "duplicated": max(0, rows.count() - len(set(emails))),
    }


def drive_floor(port: int, count: int, concurrency: int) -> dict:
    run = uuid.uuid4().hex[:8]

    def insert(n):
        client = Client(port)
        email = f"floor-{run}-{n}@example.org"
        status, _, _ = client.request("POST", "/", urlencode({"email": email}))
        return status == 303

    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        ok = sum(pool.map(insert, range(count)))
    elapsed = time.perf_counter() - started
    return {"requests": count, "ok": ok, "inserts_per_s": round(count / elapsed, 1)}


def drive_reads(port: int, count: int, concurrency: int) -> dict:
    local = threading.local()

    def get(path):
        if not hasattr(local, "client"):
            local.client = Client(port)
        started = time.perf_counter()
        status, _, _ = local.client.request("GET", path)
        return status, (time.perf_counter() - started) * 1000

    figures = {}
    for name, path in [
        ("page", f"/pledge/{PLEDGE}/"),
        ("count_json", f"/pledge/{PLEDGE}/count.json"),
    ]:
        with ThreadPoolExecutor(concurrency) as pool:
            results = list(pool.map(get, [path] * count))
        timings = [ms for status, ms in results if status == 200]
        figures[f"{name}_p50_ms"] = round(percentile(timings, 0.50), 1)
        figures[f"{name}_p95_ms"] = round(percentile(timings, 0.95), 1)
        figures[f"{name}_errors"] = sum(status != 200 for status, _ in results)
    return figures


def drive(argv):
    parser = argparse.ArgumentParser()
    parser.add_argument("what", choices=["signatures", "floor", "reads"])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--concurrency", type=int, required=True)
    args = parser.parse_args(argv)
    run = {"signatures": drive_signatures, "floor": drive_floor, "reads": drive_reads}[args.what]
    print(json.dumps(run(args.port, args.count, args.concurrency)))  # noqa: T201


def run_driver(env, what, port, count, concurrency) -> dict:
    output = subprocess.run(  # noqa: S603
        [sys.executable, __file__, "drive", what, "--port", str(port), "--count", str(count),
         "--concurrency", str(concurrency)],
        cwd=REPO, env=env, check=True, capture_output=True, text=True,
    )  # fmt: skip
    return json.loads(output.stdout.strip().splitlines()[-1])


# Filling the database with a million confirmed signatures, in batches, outside any request.


def fill(argv):
    count = int(argv[0])
    import django

    django.setup()
    from django.db import transaction
    from django.utils import timezone

    from actionhub.campaigns.models import Pledge
    from actionhub.pledges.models import Signature
    from actionhub.supporters.models import Person

    pledge = Pledge.objects.get(slug=PLEDGE)
    batch = 10_000
    now = timezone.now()
    for start in range(0, count, batch):
        with transaction.atomic():
            people = Person.objects.bulk_create(
                Person(email=f"fill-{n}@example.org", email_normalised=f"fill-{n}@example.org",
                       first_name="Filler", last_name="Signer")
                for n in range(start, min(count, start + batch))
            )  # fmt: skip
            Signature.objects.bulk_create(
                Signature(pledge=pledge, person=person, email_normalised=person.email_normalised,
                          status="confirmed", confirmed_at=now, show_name=n % 3 == 0,
                          source="fill")
                for n, person in enumerate(people)
            )  # fmt: skip


def settled_count(env, port, true_count_sql) -> dict:
    time.sleep(11)  # the public count may lag by up to PLEDGE_COUNT_MAX_AGE (10 s)
    status, _, body = Client(port).request("GET", f"/pledge/{PLEDGE}/count.json")
    public = json.loads(body)["count"] if status == 200 else None
    true = int(
        subprocess.run(  # noqa: S603
            [sys.executable, "-c", true_count_sql],
            cwd=REPO, env=env, check=True, capture_output=True, text=True,
        ).stdout.strip()
    )  # fmt: skip
    return {"public_count": public, "true_count": true, "count_matches": public == true}


TRUE_COUNT = (
    "import django; django.setup()\n"
    "from actionhub.pledges.models import Signature\n"
    "print(Signature.objects.filter(status='confirmed').count())"
)


def create_floor_table(database_url: str) -> None:
    if database_url.startswith("sqlite:///"):
        import sqlite3

        with sqlite3.connect(database_url.removeprefix("sqlite:///")) as connection:
            connection.execute(
                "CREATE TABLE bench_floor (id INTEGER PRIMARY KEY, email TEXT UNIQUE NOT NULL)"
            )
    else:
        import psycopg

        with psycopg.connect(database_url, autocommit=True) as connection:
            connection.execute(
                "CREATE TABLE bench_floor (id BIGSERIAL PRIMARY KEY, email TEXT UNIQUE NOT NULL)"
            )


def bench_database(label, database_url, var_dir, args) -> dict:
    env = site_env(database_url, var_dir)
    print(f"\n== {label}: preparing", flush=True)  # noqa: T201
    manage(env, "migrate", "--no-input")
    manage(env, "collectstatic", "--no-input")
    manage(env, "load_campaign", "campaign_packs/uyghur-solidarity")
    create_floor_table(database_url)
    workers, threads = args.workers, args.threads

    floor_env = {**env, "FLOOR_DATABASE_URL": database_url, "PYTHONPATH": str(REPO / "benchmarks")}
    floor_server = Server(floor_env, "floor_app:application", workers, threads)
    try:
        run_driver(env, "floor", floor_server.port, 200, args.concurrency)  # warm up
        floor = run_driver(env, "floor", floor_server.port, args.signatures, args.concurrency)
    finally:
        floor_server.stop()

    server = Server(env, "actionhub.wsgi", workers, threads)
    try:
        run_driver(env, "signatures", server.port, 100, args.concurrency)  # warm up
        ours = run_driver(env, "signatures", server.port, args.signatures, args.concurrency)
        ours.update(settled_count(env, server.port, TRUE_COUNT))
    finally:
        server.stop()
    ours["floor_inserts_per_s"] = floor["inserts_per_s"]
    ours["ratio_vs_floor"] = round(ours["signatures_per_s"] / floor["inserts_per_s"], 3)

    print(f"== {label}: filling with {args.fill:,} confirmed signatures", flush=True)  # noqa: T201
    started = time.perf_counter()
    subprocess.run(  # noqa: S603
        [sys.executable, __file__, "fill", str(args.fill)], cwd=REPO, env=env, check=True
    )
    ours["fill_seconds"] = round(time.perf_counter() - started, 1)
    server = Server(env, "actionhub.wsgi", workers, threads)
    try:
        run_driver(env, "reads", server.port, 100, args.concurrency)  # warm up
        reads = run_driver(env, "reads", server.port, args.reads, args.concurrency)
    finally:
        server.stop()
    ours["page_p50_ms_1m"] = reads["page_p50_ms"]
    ours["page_p95_ms_1m"] = reads["page_p95_ms"]
    ours["count_json_p95_ms_1m"] = reads["count_json_p95_ms"]
    ours["read_errors_1m"] = reads["page_errors"] + reads["count_json_errors"]
    ours["filled"] = args.fill
    for key, value in ours.items():
        print(f"  {key}: {value}")  # noqa: T201
    return ours


def postgres_database():
    """A fresh PostgreSQL database for the run, or None if no server answers."""
    try:
        import psycopg

        name = f"actionhub_bench_{os.getpid()}"
        with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5) as connection:
            connection.execute(f"CREATE DATABASE {name}")
    except Exception as error:  # noqa: BLE001
        print(f"PostgreSQL not available ({error}); skipping it.")  # noqa: T201
        return None, None
    return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}", name


def drop_postgres_database(name):
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--signatures", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--fill", type=int, default=1_000_000)
    parser.add_argument("--reads", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--skip-postgres", action="store_true")
    args = parser.parse_args()
    print(f"Pledge benchmark on {os.cpu_count()} cores: {args.signatures} signatures, "  # noqa: T201
          f"{args.concurrency} at once; gunicorn {args.workers}x{args.threads}")  # fmt: skip
    summary = {}
    var_dir = Path(tempfile.mkdtemp(prefix="actionhub-bench-"))
    try:
        sqlite = bench_database("SQLite", f"sqlite:///{var_dir / 'bench.sqlite3'}", var_dir, args)
        summary.update(sqlite)
        if not args.skip_postgres:
            url, name = postgres_database()
            if url:
                try:
                    postgres = bench_database("PostgreSQL", url, var_dir, args)
                    summary.update({f"postgres_{key}": value for key, value in postgres.items()})
                finally:
                    drop_postgres_database(name)
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)
    keys = ["signatures_per_s", "p50_ms", "p95_ms", "p99_ms", "errors", "acknowledged", "rows",
            "lost", "duplicated", "count_matches", "ratio_vs_floor", "floor_inserts_per_s",
            "page_p95_ms_1m", "count_json_p95_ms_1m", "filled"]  # fmt: skip
    final = {key: summary.get(key) for key in keys}
    final |= {f"postgres_{key}": summary.get(f"postgres_{key}") for key in keys}
    print(json.dumps(final))  # noqa: T201


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "drive":
        drive(sys.argv[2:])
    elif len(sys.argv) > 1 and sys.argv[1] == "fill":
        fill(sys.argv[2:])
    else:
        main()
