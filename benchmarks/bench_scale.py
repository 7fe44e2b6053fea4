"""Scale-out benchmark: the site on PostgreSQL and Redis, behind HAProxy, with faults.

It makes a fresh PostgreSQL database and uses the machine's Redis (a database of its own) as
the shared cache and rate-limit store, then:

1. throughput of the pledge page and count.json through HAProxy (deploy/haproxy, over TLS)
   with one gunicorn instance and with two, each against the site's CSS file through the same
   path in the same run;
2. 1,000 emails sent by a `db_worker` to a real SMTP server (aiosmtpd), the worker killed with
   SIGKILL part way; the task it died in is queued again by the sweep, a second worker sends
   the rest: how many were lost, and how many were delivered twice (and whether a repeat has
   the same Message-ID);
3. the SMTP server away for --smtp-down seconds while emails are queued: how many were lost.

HAProxy and wrk are Debian packages, installed if missing. The last line is JSON.

    .venv/bin/python benchmarks/bench_scale.py [--seconds 10] [--emails 1000] [--smtp-down 120]
"""

import argparse
import json
import os
import random
import re
import shutil
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from aiosmtpd.controller import Controller  # noqa: E402
from bench_pages import wrk, wrk_installed  # noqa: E402

from actionhub.tests.processes import (  # noqa: E402
    Inbox,
    Proxy,
    Server,
    Worker,
    emails_waiting,
    free_port,
    manage,
    postgres_database_create,
    postgres_database_drop,
    queue_emails,
    requeue_stalled_tasks,
    site_env,
)

PLEDGE = "stop-uyghur-genocide"
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")


def say(text):
    print(text, flush=True)  # noqa: T201


def debian_package(binary: str, package: str) -> None:
    if not shutil.which(binary) and not os.path.exists(binary):
        say(f"Installing Debian's {package}")
        subprocess.run(["apt-get", "install", "-y", "-qq", package], check=True,  # noqa: S603, S607
                       capture_output=True)  # fmt: skip


def stylesheet_path(base: str) -> str:
    context = ssl.create_default_context()
    context.check_hostname, context.verify_mode = False, ssl.CERT_NONE  # the run's own cert
    with urllib.request.urlopen(base + "/", context=context) as response:  # noqa: S310
        return re.search(r'href="(/static/[^"]+\.css)"', response.read().decode())[1]


def wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def throughput(env, folder, instances: int, args, binary) -> dict:
    servers = [Server(env, "actionhub.wsgi", args.workers, args.threads) for _ in range(instances)]
    proxy = Proxy(folder, [server.port for server in servers], threads=args.workers * args.threads)
    base = f"https://127.0.0.1:{proxy.https_port}"
    try:
        time.sleep(1)
        paths = {"static_file": stylesheet_path(base), "count_json": f"/pledge/{PLEDGE}/count.json",
                 "pledge": f"/pledge/{PLEDGE}/"}  # fmt: skip
        figures = {}
        for name, path in paths.items():
            wrk(binary, base + path, 2, args.connections, 2)  # warm up
            figures[name] = wrk(binary, base + path, args.seconds, args.connections, 2)
        return figures
    finally:
        proxy.stop()
        for server in servers:
            server.stop()


def killed_worker(env, count: int) -> dict:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    env = {**env, "EMAIL_PORT": str(controller.port)}
    try:
        queue_emails(env, count)
        first = Worker(env)
        kill_after = random.randint(count // 5, count // 2)  # noqa: S311
        wait_for(lambda: len(inbox.messages) >= kill_after, 120)
        first.kill()
        requeued = requeue_stalled_tasks(env)
        second = Worker(env)
        wait_for(lambda: emails_waiting(env) == 0, 300)
        second.stop()
    finally:
        controller.stop()
    recipients = Counter(recipient for recipient, _ in inbox.messages)
    message_ids = Counter(message_id for _, message_id in inbox.messages)
    return {
        "emails": count,
        "killed_after": kill_after,
        "tasks_requeued": requeued,
        "delivered": len(recipients),
        "lost": count - len(recipients),
        "duplicated": sum(times - 1 for times in recipients.values()),
        "duplicates_with_a_new_message_id": len(inbox.messages) - len(message_ids),
    }


def smtp_down(env, count: int, seconds: int) -> dict:
    port = free_port()
    env = {**env, "EMAIL_PORT": str(port)}
    inbox = Inbox()
    worker = Worker(env)
    try:
        queue_emails(env, count)
        time.sleep(seconds)
        waiting_while_down = emails_waiting(env)
        controller = Controller(inbox, hostname="127.0.0.1", port=port)
        controller.start()
        back = time.monotonic()
        try:
            # The slowest waits for its next try: after a 2-minute outage, the 2-minute delay.
            wait_for(lambda: len(inbox.messages) >= count, 15 * 60)
            took = time.monotonic() - back
        finally:
            controller.stop()
    finally:
        worker.stop()
    delivered = len({recipient for recipient, _ in inbox.messages})
    return {"emails": count, "down_s": seconds, "waiting_while_down": waiting_while_down,
            "delivered": delivered, "lost": count - delivered,
            "duplicated": len(inbox.messages) - delivered,
            "all_delivered_s_after_return": round(took, 1)}  # fmt: skip


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--emails", type=int, default=1000)
    parser.add_argument("--smtp-down", type=int, default=120)
    args = parser.parse_args()
    debian_package("/usr/sbin/haproxy", "haproxy")
    binary = wrk_installed()
    say(f"Scale-out benchmark on {os.cpu_count()} cores: PostgreSQL, Redis ({REDIS_URL}), "
        f"HAProxy over TLS, gunicorn {args.workers}x{args.threads} per instance")  # fmt: skip

    folder = Path(tempfile.mkdtemp(prefix="actionhub-scale-"))
    name = f"actionhub_scale_{uuid.uuid4().hex[:10]}"
    env = site_env(postgres_database_create(name), folder) | {
        "CACHE_URL": REDIS_URL, "DJANGO_BEHIND_TLS_PROXY": "true", "DJANGO_PROXY_COUNT": "1",
    }  # fmt: skip
    summary = {}
    try:
        manage(env, "migrate", "--no-input")
        manage(env, "collectstatic", "--no-input")
        manage(env, "load_campaign", "campaign_packs/uyghur-solidarity")
        subprocess.run(["redis-cli", "-u", REDIS_URL, "flushdb"], check=False,  # noqa: S603, S607
                       capture_output=True)  # fmt: skip

        say("\n== throughput through HAProxy: one instance, then two")
        one = throughput(env, folder, 1, args, binary)
        two = throughput(env, folder, 2, args, binary)
        say(f"{'path':<13}{'one req/s':>11}{'two req/s':>11}{'two/one':>9}{'errors':>8}")
        for path in one:
            gain = round(two[path]["req_per_s"] / one[path]["req_per_s"], 3)
            errors = one[path]["errors"] + two[path]["errors"]
            say(f"{path:<13}{one[path]['req_per_s']:>11.0f}{two[path]['req_per_s']:>11.0f}"
                f"{gain:>9.3f}{errors:>8}")  # fmt: skip
            summary[f"{path}_one_req_per_s"] = one[path]["req_per_s"]
            summary[f"{path}_two_req_per_s"] = two[path]["req_per_s"]
            summary[f"{path}_two_over_one"] = gain
            summary[f"{path}_ratio_to_static_two"] = round(
                two[path]["req_per_s"] / two["static_file"]["req_per_s"], 3
            )

        say(f"\n== a worker killed with SIGKILL while sending {args.emails} emails")
        killed = killed_worker(env, args.emails)
        say(json.dumps(killed))
        say(f"\n== the SMTP server away for {args.smtp_down} s")
        down = smtp_down(env, 100, args.smtp_down)
        say(json.dumps(down))
    finally:
        postgres_database_drop(name)
        shutil.rmtree(folder, ignore_errors=True)

    summary |= {f"killed_worker_{k}": v for k, v in killed.items()}
    summary |= {f"smtp_down_{k}": v for k, v in down.items()}
    summary |= {
        "signatures_lost": None,  # the PostgreSQL restart under signing is not measured yet
        "emails_lost": killed["lost"] + down["lost"],
        "emails_duplicated": killed["duplicated"] + down["duplicated"],
    }
    print(json.dumps(summary))  # noqa: T201


if __name__ == "__main__":
    main()
