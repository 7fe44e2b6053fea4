"""Dashboard benchmark: the console's front door over a million signatures, against the stock
Django admin index rendered in the same run.

It makes a fresh SQLite database (or PostgreSQL with --postgres) in a temporary folder, loads
the default campaign, and fills it: signatures spread over a year (confirmed, waiting and held
back, with source codes), a consent to hear more for two in five signers, letters to MPs and
brands, RSVPs. The periodic tasks count the days once (timed, as the work they do in the
background), then the dashboard is rendered again and again for a signed-in organiser (as in use, and with
the cache emptied before each render), and so is
the index of a plain `django.contrib.admin.AdminSite` with the same models. It prints each
figure, the ratio of the two, and JSON on its last line.

    .venv/bin/python benchmarks/bench_dashboard.py [--signatures 1000000] [--renders 60]
"""

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BATCH = 20_000


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def fill(count: int) -> None:
    from django.db import transaction
    from django.utils import timezone

    from actionhub.campaigns.models import Pledge
    from actionhub.letters.models import Letter
    from actionhub.letters.tests.factories import LetterFactory
    from actionhub.parliament.tests.factories import MPFactory
    from actionhub.pledges.models import Signature
    from actionhub.supporters.models import Consent, Person

    pledge = Pledge.objects.get()
    now = timezone.now()
    rnd = random.Random(7)
    sources = ["", "shul", "school", "instagram", "whatsapp", "newsletter", "youth", "vigil"]
    for start in range(0, count, BATCH):
        with transaction.atomic():
            people = Person.objects.bulk_create(
                Person(email=f"s{n}@example.org", email_normalised=f"s{n}@example.org",
                       first_name="Filler", link_key=uuid.uuid4().hex)
                for n in range(start, min(count, start + BATCH))
            )  # fmt: skip
            signatures = []
            consents = []
            for person in people:
                when = now - timedelta(days=rnd.random() ** 2 * 365)
                status = rnd.choices(["confirmed", "pending", "quarantined"], [96, 3, 1])[0]
                signatures.append(Signature(
                    pledge=pledge, person=person, email_normalised=person.email_normalised,
                    first_name="Filler", status=status, source=rnd.choice(sources),
                    submitted_at=when, confirmed_at=when if status == "confirmed" else None,
                ))  # fmt: skip
                if status == "confirmed" and rnd.random() < 0.4:
                    consents.append(Consent(
                        person=person, purpose=Consent.Purpose.CAMPAIGN_EMAILS,
                        wording="Email me about this campaign", wording_version="x",
                        method="Pledge form", given_at=when,
                    ))  # fmt: skip
            Signature.objects.bulk_create(signatures)
            Consent.objects.bulk_create(consents)
    mp = MPFactory()
    letters = [
        LetterFactory.build(mp=mp, constituency=mp.constituency, person=None, sender_email="",
                            email_normalised="", delivery=rnd.choice(list(Letter.Delivery)),
                            submitted_at=now - timedelta(days=rnd.random() * 365))
        for _ in range(count // 50)
    ]  # fmt: skip
    Letter.objects.bulk_create(letters, batch_size=BATCH)


def organiser_request():
    from django.contrib.auth import get_user_model
    from django.contrib.sessions.backends.db import SessionStore
    from django.test import RequestFactory
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = get_user_model().objects.create_superuser("bench", password=None)
    device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)

    def make():
        request = RequestFactory().get("/admin/")
        request.user, request.session = user, SessionStore()
        user.otp_device = device
        user.is_verified = lambda: True  # as django-otp's middleware marks a verified sign-in
        return request

    return make


def timed_renders(view, make_request, renders: int, cold: bool = False) -> list[float]:
    """Render `view` `renders` times; `cold` empties the cache first each time (the public
    count, cached for ten seconds, is then counted again on every render)."""
    from django.core.cache import cache

    view(make_request()).render()  # the templates are compiled once, as in a running server
    times = []
    for _ in range(renders):
        if cold:
            cache.clear()
        started = time.perf_counter()
        response = view(make_request())
        response.render()
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"The page answered {response.status_code}")
    return times


def measure(args) -> dict:
    import django

    django.setup()
    from django.contrib import admin
    from django.contrib.admin import AdminSite
    from django.core.management import call_command

    from actionhub.console.tallies import daily_counts_refresh, tallies_refresh

    call_command("migrate", verbosity=0)
    call_command("load_campaign", str(REPO / "campaign_packs" / "uyghur-solidarity"), verbosity=0)
    started = time.perf_counter()
    fill(args.signatures)
    filled_s = time.perf_counter() - started
    started = time.perf_counter()
    daily_counts_refresh(everything=True)
    tallies_refresh()
    counted_s = time.perf_counter() - started
    started = time.perf_counter()
    daily_counts_refresh()
    minute_s = time.perf_counter() - started

    stock = AdminSite(name="stock")
    for model, model_admin in admin.site._registry.items():
        stock.register(model, type(model_admin))
    make_request = organiser_request()
    console_ms = timed_renders(admin.site.index, make_request, args.renders)
    cold_ms = timed_renders(admin.site.index, make_request, args.renders, cold=True)
    stock_ms = timed_renders(stock.index, make_request, args.renders)
    p95, stock_p95 = percentile(console_ms, 0.95), percentile(stock_ms, 0.95)
    return {
        "database": "postgresql" if args.postgres else "sqlite",
        "signatures": args.signatures,
        "renders": args.renders,
        "render_p50_ms": round(statistics.median(console_ms), 1),
        "render_p95_ms": round(p95, 1),
        "render_uncached_p95_ms": round(percentile(cold_ms, 0.95), 1),
        "stock_admin_p50_ms": round(statistics.median(stock_ms), 1),
        "stock_admin_p95_ms": round(stock_p95, 1),
        "ratio_p95_to_stock_admin": round(p95 / stock_p95, 2),
        "target_p95_ms": 300,
        "target_met": max(p95, percentile(cold_ms, 0.95)) < 300,
        "fill_s": round(filled_s, 1),
        "count_every_day_s": round(counted_s, 2),
        "count_last_two_days_s": round(minute_s, 3),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--signatures", type=int, default=1_000_000)
    parser.add_argument("--renders", type=int, default=60)
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL instead of SQLite")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args)))
        return
    folder = Path(tempfile.mkdtemp(prefix="bench-dashboard-"))
    env = {**os.environ, "DJANGO_ENV": "test", "DJANGO_SETTINGS_MODULE": "actionhub.settings",
           "ACTIONHUB_VAR_DIR": str(folder), "PYTHONPATH": str(REPO)}  # fmt: skip
    database = f"bench_dashboard_{os.getpid()}"
    if args.postgres:
        admin_url = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
        subprocess.run(["psql", f"{admin_url}/postgres", "-qc", f"CREATE DATABASE {database}"],
                       check=True)  # fmt: skip
        env["DATABASE_URL"] = f"{admin_url}/{database}"
    else:
        env["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite3'}"
    try:
        child = subprocess.run(
            [sys.executable, __file__, "--child", "--signatures", str(args.signatures),
             "--renders", str(args.renders), *(["--postgres"] if args.postgres else [])],
            env=env, cwd=REPO, capture_output=True, text=True,
        )  # fmt: skip
        if child.returncode:
            sys.exit(f"The measuring process failed:\n{child.stderr[-3000:]}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        if args.postgres:
            subprocess.run(["psql", f"{admin_url}/postgres", "-qc",
                            f"DROP DATABASE IF EXISTS {database}"], check=False)  # fmt: skip
    result = json.loads(child.stdout.strip().splitlines()[-1])
    print(f"Dashboard over {result['signatures']:,} signatures on {result['database']}:")
    print(
        f"  render p50 {result['render_p50_ms']} ms, p95 {result['render_p95_ms']} ms "
        f"(target < {result['target_p95_ms']} ms: {'met' if result['target_met'] else 'not met'})"
    )
    print(f"  with the cache emptied before each render: p95 {result['render_uncached_p95_ms']} ms")
    print(
        f"  stock admin index p50 {result['stock_admin_p50_ms']} ms, "
        f"p95 {result['stock_admin_p95_ms']} ms"
    )
    print(f"  ratio, dashboard p95 / stock admin p95: {result['ratio_p95_to_stock_admin']}")
    print(
        f"  the periodic counts: every day {result['count_every_day_s']} s, "
        f"the last two days {result['count_last_two_days_s']} s (fill {result['fill_s']} s)"
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
