"""Mailing benchmark: a campaign email to 100,000 supporters, against a bare smtplib loop sending
the same messages to the same SMTP server in the same run.

It makes a fresh SQLite database in a temporary folder (or with --postgres one of its own on
the server BENCH_POSTGRES_URL names, dropped afterwards) with production-like settings
(actionhub.tests.processes.site_env), loads the default campaign, and fills it with bulk_create: --recipients people whose consent to campaign emails stands, and
--others who must not get it (a third whose consent was withdrawn, a third who never gave it, a
third whose address is on the suppression list). An SMTP server (aiosmtpd, processes.Inbox) runs
in this process and notes each message's recipient, Message-ID and arrival.

The baseline, run first: one `manage.py shell` process opens one smtplib.SMTP connection and
calls `sendmail` once per message for the first --baseline people of the same audience (20,000
by default, fewer than the mailing: rates are compared, not totals). It runs twice:

- built in the loop (the baseline the ratio is against): each message is made inside the timed
  loop exactly as the site makes it, content.message_for_person(...).message().as_bytes(), from
  the mailing rendered once beforehand, then sent. The site has to build every message (each
  carries its person's own links and Message-ID), so this leaves out only what the site adds
  around sending: the task queue, the consent and suppression checks before each message and
  the "sending" and "sent" marks committed for each;
- prebuilt: the same bytes made before the clock starts, so the loop is the wire and the
  server alone; the ratio against it is printed too, as the harder floor.

Then the real flow: an organiser (a superuser) makes the Mailing, mailing_send_request() queues
start_mailing, and one `manage.py db_worker` process (processes.Worker) builds the audience,
makes the Recipient rows and sends every batch, with MAILING_MESSAGES_PER_SECOND=0 (no pacing)
and MAILING_NEEDS_SECOND_APPROVAL=false, until the mailing is "sent". Timed separately:

- queueing: from the call to mailing_send_request (audience counted, start_mailing queued) to
  the end of the start_mailing task in the worker (audience built, Recipient rows made, first
  batch queued), from the task's own timestamps;
- sending: from there to the last message's arrival at the server: messages per second, and
  the ratio to the baseline's rate.

Peak memory is the largest peak RSS (VmHWM) of the worker and of the process that asked for the
mailing. Lost is recipients in the audience who got nothing, duplicated is copies beyond the
first to anyone; both must be 0, as must messages to anyone outside the audience. The last line
is JSON.

    .venv/bin/python benchmarks/bench_mailing.py [--recipients 100000] [--baseline 20000]
        [--others 10000] [--batch-size 500] [--postgres]

aiosmtpd may well be the slowest part: both the baseline and the worker send to it, so the
ratio compares like with like. The worker and the server each have a core of their own only on
a machine with two or more.
"""

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from aiosmtpd.controller import Controller  # noqa: E402

from actionhub.tests.processes import (  # noqa: E402
    Inbox,
    Worker,
    free_port,
    manage,
    run_python,
    site_env,
)

PG_ADMIN_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
FILL_BATCH = 10_000
TARGET_RATIO = 0.5
TARGET_PEAK_RSS_MB = 300
WORKER_SETUP_SECONDS = 5  # for the worker's Django to be set up and polling the queue
STALLED_SECONDS = 60  # no message for this long: the rest is counted as lost
SUBJECT = "Stand with us outside the embassy this Sunday"
BODY = """## This Sunday, 2pm

Thank you for standing with the Uyghur people. This Sunday we gather outside the embassy at
**2pm**, and we want it to be the biggest vigil yet. [The details and the route are here](https://example.org/demo).

Bring a friend, bring a sign, and bring your voice. We will read the names of those who have
disappeared, and hand in the pledge with every signature on it.

## Can't be there?

- Write to your MP: it takes two minutes and they read every letter.
- Ask a brand to commit to a supply chain free of forced labour.
- Share the pledge with three people who have not signed yet.

Every action counts, and every one is counted.
"""


def say(text):
    print(text, flush=True)


class TimedInbox(Inbox):
    """processes.Inbox (each message's recipient and Message-ID), also noting when each came."""

    def __init__(self):
        super().__init__()
        self.arrived: list[float] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802  (aiosmtpd's name)
        answer = await super().handle_DATA(server, session, envelope)
        self.arrived.append(time.time())
        return answer


def peak_rss_mb(pid: int) -> float:
    """The peak resident memory of a running process (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def tally(messages: list[tuple[str, str]], expected: set[str]) -> dict:
    recipients = Counter(recipient for recipient, _ in messages)
    message_ids = Counter(message_id for _, message_id in messages)
    return {
        "received": len(messages),
        "lost": len(expected - set(recipients)),
        "duplicated": sum(times - 1 for times in recipients.values()),
        "duplicated_message_ids": sum(times - 1 for times in message_ids.values()),
        "outside_audience": sum(
            times for recipient, times in recipients.items() if recipient not in expected
        ),
    }


def addresses(count: int) -> set[str]:
    return {f"supporter{n}@example.org" for n in range(count)}


def fill(env, recipients: int, others: int) -> float:
    """The audience and the people outside it, with bulk_create; its seconds."""
    output = run_python(
        env,
        f"""
import json, time
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from actionhub.core.models import SuppressedAddress
from actionhub.supporters.models import CAMPAIGN_EMAILS_WORDING, Consent, Person
started = time.perf_counter()
now = timezone.now()
version = Consent.version_of(CAMPAIGN_EMAILS_WORDING)
def consent(person, withdrawn_at=None):
    return Consent(person=person, purpose=Consent.Purpose.CAMPAIGN_EMAILS,
                   wording=CAMPAIGN_EMAILS_WORDING, wording_version=version,
                   method="Pledge form", given_at=now, withdrawn_at=withdrawn_at)
for start in range(0, {recipients}, {FILL_BATCH}):
    with transaction.atomic():
        people = Person.objects.bulk_create(
            Person(email=f"supporter{{n}}@example.org", email_normalised=f"supporter{{n}}@example.org",
                   first_name="Supporter") for n in range(start, min({recipients}, start + {FILL_BATCH}))
        )
        Consent.objects.bulk_create(consent(person) for person in people)
with transaction.atomic():
    people = Person.objects.bulk_create(
        Person(email=f"other{{n}}@example.org", email_normalised=f"other{{n}}@example.org",
               first_name="Other") for n in range({others})
    )
    Consent.objects.bulk_create(consent(person, now) for person in people[0::3])  # withdrawn
    Consent.objects.bulk_create(consent(person) for person in people[2::3])
    SuppressedAddress.objects.bulk_create(
        SuppressedAddress(address=person.email, reason=SuppressedAddress.Reason.BOUNCED)
        for person in people[2::3]
    )
get_user_model().objects.create_superuser("sender", "sender@example.org", None)
print(json.dumps(time.perf_counter() - started))
""",
    )
    return json.loads(output.strip().splitlines()[-1])


def draft(env) -> int:
    """The mailing, as an organiser writes it: a draft, not yet asked to be sent."""
    output = run_python(
        env,
        f"""
from django.contrib.auth import get_user_model
from actionhub.campaigns.models import Campaign
from actionhub.mailings.models import Mailing
organiser = get_user_model().objects.get(username="sender")
mailing = Mailing.objects.create(campaign=Campaign.objects.get(is_default=True),
                                 subject={SUBJECT!r}, body={BODY!r}, created_by=organiser)
Mailing.objects.filter(pk=mailing.pk).update(tested_at=mailing.updated_at)  # as after a test
print(mailing.pk)
""",
    )
    return int(output.strip().splitlines()[-1])


def baseline(env, mailing_id: int, count: int, prebuilt: bool) -> dict:
    """One smtplib connection, `sendmail` per message, for the first `count` of the audience:
    the messages built in the timed loop, or all made before it."""
    output = run_python(
        env,
        f"""
import json, resource, smtplib, time
from email.utils import parseaddr
from django.conf import settings
from actionhub.mailings.audience import audience_people
from actionhub.mailings.content import mailing_render, message_for_person
from actionhub.mailings.models import Mailing
mailing = Mailing.objects.select_related("campaign").get(pk={mailing_id})
people = list(audience_people(mailing).order_by("pk")[:{count}])
rendered = mailing_render(mailing)
sender = parseaddr(rendered.from_email)[1]
def build(person):
    message = message_for_person(rendered, mailing_id=mailing.pk, person=person, connection=None)
    return message.message().as_bytes(linesep="\\r\\n")
ready = [build(person) for person in people] if {prebuilt} else None
started = time.time()
smtp = smtplib.SMTP(settings.EMAIL_HOST, settings.EMAIL_PORT)
for number, person in enumerate(people):
    smtp.sendmail(sender, [person.email], ready[number] if ready else build(person))
smtp.quit()
print(json.dumps({{"started_at": started, "sender_seconds": time.time() - started,
                  "messages": len(people),
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
""",
    )
    return json.loads(output.strip().splitlines()[-1])


def send_request(env, mailing_id: int) -> dict:
    """The organiser asks for the mailing to be sent now: the audience is counted and
    start_mailing queued (the queueing process, whose peak memory is counted)."""
    output = run_python(
        env,
        f"""
import json, resource, time
from django.contrib.auth import get_user_model
from actionhub.mailings.models import Mailing
from actionhub.mailings.services import mailing_send_request
organiser = get_user_model().objects.get(username="sender")
mailing = Mailing.objects.get(pk={mailing_id})
requested_at = time.time()
mailing = mailing_send_request(actor=organiser, mailing=mailing)
print(json.dumps({{"requested_at": requested_at, "request_seconds": time.time() - requested_at,
                  "status": mailing.status, "audience_counted": mailing.audience_counted,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
""",
    )
    return json.loads(output.strip().splitlines()[-1])


def mailing_state(env, mailing_id: int) -> dict:
    output = run_python(
        env,
        f"""
import json
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from actionhub.mailings.models import Mailing
from actionhub.mailings.services import mailing_figures
mailing = Mailing.objects.get(pk={mailing_id})
start = DBTaskResult.objects.filter(task_path__endswith=".start_mailing").first()
batches = DBTaskResult.objects.filter(task_path__endswith=".send_mailing_batch")
print(json.dumps({{
    "status": mailing.status, "figures": mailing_figures(mailing),
    "start_task_started_at": start.started_at.timestamp() if start and start.started_at else None,
    "start_task_finished_at": start.finished_at.timestamp() if start and start.finished_at else None,
    "finished_at": mailing.finished_at.timestamp() if mailing.finished_at else None,
    "batch_tasks": batches.count(),
    "failed_tasks": DBTaskResult.objects.filter(status=TaskResultStatus.FAILED).count(),
}}))
""",
    )
    return json.loads(output.strip().splitlines()[-1])


def run_baseline(env, inbox, mailing_id: int, count: int, prebuilt: bool) -> dict:
    first = len(inbox.messages)
    result = baseline(env, mailing_id, count, prebuilt)  # each arrival is noted before its 250
    seconds = inbox.arrived[-1] - result["started_at"]
    figures = tally(inbox.messages[first:], addresses(result["messages"]))
    return {
        "messages": result["messages"],
        "seconds": round(seconds, 2),
        "messages_per_second": round(result["messages"] / seconds, 1),
        "lost": figures["lost"],
        "duplicated": figures["duplicated"],
        "peak_rss_mb": round(result["peak_rss_mb"], 1),
    }


def run_mailing(env, inbox, mailing_id: int, recipients: int) -> dict:
    """The worker from the request to the last message; what it did and how fast."""
    first = len(inbox.messages)
    worker = Worker(env)
    worker_peak = 0.0
    try:
        time.sleep(WORKER_SETUP_SECONDS)
        request = send_request(env, mailing_id)
        say(f"  asked to send to {request['audience_counted']:,} people in "
            f"{request['request_seconds']:.2f} s; the worker builds the audience and sends")  # fmt: skip
        last_count, last_change, last_said = 0, time.monotonic(), time.monotonic()
        while True:
            worker_peak = max(worker_peak, peak_rss_mb(worker.process.pid))
            count = len(inbox.messages) - first
            now = time.monotonic()
            if count >= recipients or worker.process.poll() is not None:
                break
            if count != last_count:
                last_count, last_change = count, now
            elif now - last_change > STALLED_SECONDS:
                say(f"  nothing received for {STALLED_SECONDS} s: stopping")
                break
            if now - last_said >= 15:
                say(f"  {count:,} of {recipients:,} received")
                last_said = now
            time.sleep(0.5)
        deadline = time.monotonic() + 60  # the next batch finds nothing left and marks it sent
        state = mailing_state(env, mailing_id)
        while state["status"] != "sent" and time.monotonic() < deadline:
            time.sleep(0.5)
            state = mailing_state(env, mailing_id)
        worker_peak = max(worker_peak, peak_rss_mb(worker.process.pid))
    finally:
        worker.stop()
    messages = inbox.messages[first:]
    figures = tally(messages, addresses(recipients))
    queued_at = state["start_task_finished_at"] or request["requested_at"]  # or it never ran
    started_at = state["start_task_started_at"] or queued_at
    send_seconds = (inbox.arrived[-1] if messages else time.time()) - queued_at
    return {
        "status": state["status"],
        "audience_counted": request["audience_counted"],
        "request_seconds": round(request["request_seconds"], 2),
        "start_task_seconds": round(queued_at - started_at, 2),
        "queue_seconds": round(queued_at - request["requested_at"], 2),
        "send_seconds": round(send_seconds, 2),
        "messages_per_second": round(figures["received"] / send_seconds, 1),
        "worker_peak_rss_mb": round(worker_peak, 1),
        "queueing_peak_rss_mb": round(request["peak_rss_mb"], 1),
        "batch_tasks": state["batch_tasks"],
        "failed_tasks": state["failed_tasks"],
        "recipients_by_status": {k: v for k, v in state["figures"].items() if v},
        **figures,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--recipients", type=int, default=100_000)
    parser.add_argument("--baseline", type=int, default=20_000, help="messages in each baseline")
    parser.add_argument("--others", type=int, default=10_000, help="people outside the audience")
    parser.add_argument("--batch-size", type=int, default=500, help="MAILING_BATCH_SIZE")
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL instead of SQLite")
    args = parser.parse_args()
    began = time.monotonic()
    database = "postgresql" if args.postgres else "sqlite"
    say(f"Mailing benchmark on {os.cpu_count()} cores, {database}: {args.recipients:,} "
        f"recipients ({args.others:,} more outside the audience), batches of {args.batch_size}, "
        f"no pacing; the smtplib baseline {args.baseline:,} messages")  # fmt: skip

    folder = Path(tempfile.mkdtemp(prefix="actionhub-bench-mailing-"))
    name = f"actionhub_bench_mailing_{os.getpid()}"
    if args.postgres:
        import psycopg

        with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5) as admin:
            admin.execute(f"CREATE DATABASE {name}")
        database_url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    else:
        database_url = f"sqlite:///{folder / 'bench.sqlite3'}"
    inbox = TimedInbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    env = site_env(database_url, folder) | {
        "EMAIL_PORT": str(controller.port),
        "MAILING_MESSAGES_PER_SECOND": "0",
        "MAILING_NEEDS_SECOND_APPROVAL": "false",
        "MAILING_BATCH_SIZE": str(args.batch_size),
    }
    try:
        manage(env, "migrate", "--no-input")
        manage(env, "load_campaign", "campaign_packs/uyghur-solidarity")
        fill_seconds = fill(env, args.recipients, args.others)
        say(f"\n== filled in {fill_seconds:.1f} s")
        mailing_id = draft(env)

        say(f"\n== baseline: one smtplib connection, sendmail per message, {args.baseline:,}")
        built = run_baseline(env, inbox, mailing_id, args.baseline, prebuilt=False)
        say(f"  messages built in the loop: {built['messages_per_second']:,.0f} msg/s")
        prebuilt = run_baseline(env, inbox, mailing_id, args.baseline, prebuilt=True)
        say(f"  messages built beforehand:  {prebuilt['messages_per_second']:,.0f} msg/s")

        say("\n== the mailing: request, then one db_worker until it is sent")
        mailing = run_mailing(env, inbox, mailing_id, args.recipients)
    finally:
        controller.stop()
        shutil.rmtree(folder, ignore_errors=True)
        if args.postgres:
            import psycopg

            with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
                admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    ratio = round(mailing["messages_per_second"] / built["messages_per_second"], 3)
    ratio_prebuilt = round(mailing["messages_per_second"] / prebuilt["messages_per_second"], 3)
    peak = max(mailing["worker_peak_rss_mb"], mailing["queueing_peak_rss_mb"])
    met = {True: "met", False: "not met"}
    say(
        f"  audience built and queued: {mailing['queue_seconds']} s (the request "
        f"{mailing['request_seconds']} s, the start_mailing task {mailing['start_task_seconds']} s)"
    )
    say(
        f"  sent: {mailing['received']:,} in {mailing['send_seconds']} s, "
        f"{mailing['messages_per_second']:,.0f} msg/s in {mailing['batch_tasks']} batch tasks"
    )
    say(
        f"  ratio to smtplib, messages built in the loop: {ratio} "
        f"(target >= {TARGET_RATIO}: {met[ratio >= TARGET_RATIO]}); "
        f"to smtplib with them built beforehand: {ratio_prebuilt}"
    )
    say(
        f"  peak RSS {peak:.0f} MB: the worker {mailing['worker_peak_rss_mb']:.0f} MB, the "
        f"queueing process {mailing['queueing_peak_rss_mb']:.0f} MB "
        f"(target < {TARGET_PEAK_RSS_MB} MB: {met[peak < TARGET_PEAK_RSS_MB]})"
    )
    say(f"  lost {mailing['lost']}, duplicated {mailing['duplicated']}, "
        f"sent outside the audience {mailing['outside_audience']}; recipients by status "
        f"{mailing['recipients_by_status']}; mailing {mailing['status']}")  # fmt: skip
    summary = {
        "database": database,
        "recipients": args.recipients,
        "outside_audience_people": args.others,
        "batch_size": args.batch_size,
        "status": mailing["status"],
        "audience_counted": mailing["audience_counted"],
        "queue_seconds": mailing["queue_seconds"],
        "request_seconds": mailing["request_seconds"],
        "start_task_seconds": mailing["start_task_seconds"],
        "send_seconds": mailing["send_seconds"],
        "messages_per_second": mailing["messages_per_second"],
        "smtplib_messages": built["messages"],
        "smtplib_messages_per_second": built["messages_per_second"],
        "smtplib_prebuilt_messages_per_second": prebuilt["messages_per_second"],
        "ratio_vs_smtplib": ratio,
        "ratio_vs_smtplib_prebuilt": ratio_prebuilt,
        "target_ratio": TARGET_RATIO,
        "peak_rss_mb": round(peak, 1),
        "worker_peak_rss_mb": mailing["worker_peak_rss_mb"],
        "queueing_peak_rss_mb": mailing["queueing_peak_rss_mb"],
        "target_peak_rss_mb": TARGET_PEAK_RSS_MB,
        "received": mailing["received"],
        "lost": mailing["lost"],
        "duplicated": mailing["duplicated"],
        "duplicated_message_ids": mailing["duplicated_message_ids"],
        "outside_audience": mailing["outside_audience"],
        "failed_tasks": mailing["failed_tasks"],
        "smtplib_lost": built["lost"] + prebuilt["lost"],
        "smtplib_duplicated": built["duplicated"] + prebuilt["duplicated"],
        "fill_seconds": round(fill_seconds, 1),
        "bench_seconds": round(time.monotonic() - began, 1),
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
