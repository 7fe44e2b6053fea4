"""Scale-out benchmark: the site on PostgreSQL and Redis, behind HAProxy, with faults.

It starts a PostgreSQL server and a Redis server of its own (so that it can stop them), Redis as
the shared cache and rate-limit store, gunicorn instances behind HAProxy (deploy/haproxy, over
TLS) and `db_worker` processes, then:

1. throughput of the pledge page and count.json with one gunicorn instance and with two, each
   against the site's CSS file through the same path in the same run;
2. 1,000 emails sent by two `db_worker`s to a real SMTP server (aiosmtpd), one killed with
   SIGKILL part way; the task it died in is queued again by the sweep: how many were lost, and
   how many were delivered twice (and whether a repeat has the same Message-ID);
3. the SMTP server away for --smtp-down seconds while emails are queued: how many were lost;
4. PostgreSQL stopped (fast shutdown) and started again while supporters sign: every answer
   counted (acknowledged, 503 with Retry-After, anything else), every acknowledged signature
   looked for in the database, and how long after its return the site signed again;
5. overload: supporters sending the form (wrk, sign.lua) at ten times the rate measured in the
   same run, while wrk reads the cached pledge page: acknowledged, stored, shed (503 +
   Retry-After), failed and hung;
6. Redis stopped while supporters sign and read pages: what was served, and where the rate
   limits counted meanwhile.

For 4 to 6 the site keeps half the cores and the supporters' clients the other half, and HAProxy
runs before the rest of the site on its cores (Nice -10, as docs/deployment.md advises).

HAProxy and wrk are Debian packages, installed if missing. The last line is JSON.

    .venv/bin/python benchmarks/bench_scale.py [--seconds 10] [--emails 1000] [--smtp-down 120]
"""

import argparse
import contextlib
import http.client
import json
import os
import random
import re
import shutil
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from collections import Counter
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from aiosmtpd.controller import Controller  # noqa: E402
from bench_pages import milliseconds, wrk, wrk_installed  # noqa: E402

from actionhub.tests.processes import (  # noqa: E402
    Inbox,
    PostgresCluster,
    Proxy,
    RedisServer,
    Server,
    Worker,
    emails_waiting,
    free_port,
    manage,
    queue_emails,
    requeue_stalled_tasks,
    run_python,
    site_env,
)

PLEDGE = "stop-uyghur-genocide"


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
    site = Site(env, folder, instances, args)
    try:
        paths = {"static_file": stylesheet_path(site.base),
                 "count_json": f"/pledge/{PLEDGE}/count.json", "pledge": f"/pledge/{PLEDGE}/"}  # fmt: skip
        figures = {}
        for name, path in paths.items():
            wrk(binary, site.base + path, 2, args.connections, 2)  # warm up
            figures[name] = wrk(binary, site.base + path, args.seconds, args.connections, 2)
        return figures
    finally:
        site.stop()


def killed_worker(env, count: int) -> dict:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    env = {**env, "EMAIL_PORT": str(controller.port)}
    try:
        queue_emails(env, count)
        killed, survivor = Worker(env), Worker(env)
        kill_after = random.randint(count // 5, count // 2)  # noqa: S311
        wait_for(lambda: len(inbox.messages) >= kill_after, 120)
        killed.kill()
        requeued = requeue_stalled_tasks(env)
        wait_for(lambda: emails_waiting(env) == 0, 300)
        survivor.stop()
    finally:
        controller.stop()
    recipients = Counter(recipient for recipient, _ in inbox.messages)
    message_ids = Counter(message_id for _, message_id in inbox.messages)
    return {
        "emails": count,
        "workers": 2,
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


class Cores:
    """For the signing scenarios, the site (HAProxy, gunicorn, PostgreSQL, Redis) keeps the first
    half of the cores and the load generator the rest: sharing them, a saturated site starved
    the supporters' clients, and their lateness would be counted as the site's."""

    def __init__(self):
        cores = sorted(os.sched_getaffinity(0))
        half = max(1, len(cores) // 2)
        self.site, self.load = set(cores[:half]), set(cores[half:]) or set(cores)

    def pin_load_generator(self) -> None:
        os.sched_setaffinity(0, self.load)  # this thread; the threads and processes it starts

    def pin_site(self, *pids: int) -> None:
        for pid in pids:
            for member in process_tree(pid):
                for task in Path(f"/proc/{member}/task").glob("*"):
                    with contextlib.suppress(ProcessLookupError):  # gone since it was listed
                        os.sched_setaffinity(int(task.name), self.site)

    def favour(self, pid: int) -> None:
        """HAProxy first on the site's cores: starved like the rest, it could not turn forms away
        quickly, and every request waited unparsed instead (as a systemd Nice= would do)."""
        for task in Path(f"/proc/{pid}/task").glob("*"):
            with contextlib.suppress(ProcessLookupError):
                os.setpriority(os.PRIO_PROCESS, int(task.name), -10)

    def figures(self) -> dict:
        return {"site_cores": len(self.site), "load_generator_cores": len(self.load)}


def process_tree(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(parent, []).append(int(stat.parent.name))
    tree, todo = [], [pid]
    while todo:
        tree.append(current := todo.pop())
        todo.extend(children.get(current, []))
    return tree


def site_processes(site, cluster, redis) -> list[int]:
    postmaster = int((cluster.data / "postmaster.pid").read_text().split()[0])
    return [postmaster, redis.process.pid, site.proxy.process.pid] + [
        server.process.pid for server in site.servers
    ]


# Supporters signing through HAProxy, each answer kept: for the fault and overload scenarios.

HANG_SECONDS = 10  # an answer slower than this counts as a hang, whatever it was


class Visitor:
    """One supporter's browser: its own TLS connection to HAProxy and its own cookies."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}
        self.connection = None

    def request(self, method: str, path: str, body: str | None = None):
        if self.connection is None:
            context = ssl.create_default_context()
            context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
            self.connection = http.client.HTTPSConnection(
                "127.0.0.1", self.port, timeout=HANG_SECONDS + 5, context=context
            )
        headers = {"Origin": f"https://127.0.0.1:{self.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            content = response.read()
        except Exception:
            self.connection.close()
            self.connection = None
            raise
        if response.getheader("Connection", "").lower() == "close":
            self.connection.close()
            self.connection = None
        for header in response.headers.get_all("Set-Cookie") or []:
            self.cookies.update({k: m.value for k, m in SimpleCookie(header).items()})
        return response.status, response.headers, content


def answer_kind(status: int, headers, seconds: float) -> str:
    if seconds > HANG_SECONDS:
        return "hung"
    if status == 503 and headers.get("Retry-After"):
        return "shed"
    return "failed"


def sign(port: int, email: str, epoch: float) -> dict:
    """GET the pledge form and POST it: acknowledged (303), shed (503 + Retry-After), failed."""
    visitor = Visitor(port)
    result = {"email": email, "outcome": "failed", "status": None}
    started = time.monotonic()
    try:
        result |= _sign(visitor, email)
    except (TimeoutError, OSError, http.client.HTTPException, TypeError) as error:
        kind = "hung" if isinstance(error, TimeoutError) else "failed"
        result |= {"outcome": kind, "status": type(error).__name__}
    result["answered_at"] = time.monotonic() - epoch
    result["seconds"] = time.monotonic() - started
    return result


def _sign(visitor: Visitor, email: str) -> dict:
    started = time.monotonic()
    status, headers, page = visitor.request("GET", f"/pledge/{PLEDGE}/")
    if status != 200:
        return {"outcome": answer_kind(status, headers, time.monotonic() - started),
                "status": status, "step": "form"}  # fmt: skip
    html = page.decode()
    fields = {
        "csrfmiddlewaretoken": re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1],
        "started": re.search(r'name="started" value="([^"]+)"', html)[1],
        "first_name": "Scale", "last_name": "", "email": email, "postcode": "NW3 7UX",
        "sign": "on",
    }  # fmt: skip
    posted = time.monotonic()
    status, headers, _ = visitor.request("POST", f"/pledge/{PLEDGE}/", urlencode(fields))
    seconds = time.monotonic() - posted
    outcome = "acknowledged" if status == 303 else answer_kind(status, headers, seconds)
    return {"outcome": outcome, "status": status, "step": "post", "post_s": seconds}


def signing_load(port: int, seconds: float, concurrency: int, run: str, epoch: float) -> list:
    """`concurrency` supporters signing one after another for `seconds`."""
    results, numbers = [], iter(range(10**9))
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def supporter():
        while time.monotonic() < deadline:
            with lock:
                number = next(numbers)
            outcome = sign(port, f"{run}-{number}@example.org", epoch)
            with lock:
                results.append(outcome)

    threads = [threading.Thread(target=supporter) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


SIGN_SCRIPT = Path(__file__).resolve().parent / "sign.lua"


def wrk_signing(binary, site, folder, run, seconds, connections, rate) -> tuple[list, dict]:
    """Supporters sending the form through wrk (sign.lua), each POST a new address, all with the
    CSRF cookie and token and the form-timing token of one page read first (each may be used
    again): wrk in C, unlike a Python client, can offer ten times what the site takes."""
    visitor = Visitor(site.port)
    _, _, page = visitor.request("GET", f"/pledge/{PLEDGE}/")
    html = page.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]
    started = re.search(r'name="started" value="([^"]+)"', html)[1]
    answers = folder / run
    answers.mkdir()
    began = time.monotonic()
    output = subprocess.run(  # noqa: S603
        [binary, f"-t{connections}", f"-c{connections}", f"-d{seconds}s", "--latency",
         "--timeout", f"{HANG_SECONDS}s", "-s", str(SIGN_SCRIPT), site.base, "--",
         f"/pledge/{PLEDGE}/", visitor.cookies["csrftoken"], token, started, run, str(rate),
         str(answers), site.base],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    ran = time.monotonic() - began
    answered = {}
    for file in answers.glob("*.answers"):
        for line in file.read_text().splitlines():
            kind, email = line.split(" ", 1)
            answered[email] = kind
    outcomes = {"303": "acknowledged", "503": "shed"}
    results = [
        {"email": email, "status": kind, "outcome": outcomes.get(kind, "failed")}
        for email, kind in answered.items()
    ]
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)",
                       output)  # fmt: skip
    connect, read, write, timeout = (int(n) for n in errors.groups()) if errors else (0, 0, 0, 0)
    results += [{"email": None, "status": "timeout", "outcome": "hung"}] * timeout
    results += [{"email": None, "status": "connection error", "outcome": "failed"}] * (
        connect + read + write
    )
    return results, {
        "answer_p50_ms": milliseconds(re.search(r"\s50%\s+(\S+)", output)[1]),
        "answer_p99_ms": milliseconds(re.search(r"\s99%\s+(\S+)", output)[1]),
        "answer_slowest_ms": milliseconds(re.search(r"Latency\s+\S+\s+\S+\s+(\S+)", output)[1]),
        "wrk_ran_s": round(ran, 1),
        "sending_s": float(re.search(r"requests in ([\d.]+)s", output)[1]),
    }


def emails_stored(env, run: str) -> set[str]:
    code = (
        "import json; from actionhub.pledges.models import Signature;"
        f"print(json.dumps(list(Signature.objects.filter(email_normalised__startswith={run!r})"
        ".values_list('email_normalised', flat=True))))"
    )
    return set(json.loads(run_python(env, code)))


def tally(results: list, stored: set[str]) -> dict:
    outcomes = Counter(result["outcome"] for result in results)
    acknowledged = {r["email"] for r in results if r["outcome"] == "acknowledged"}
    slowest = max((r["seconds"] for r in results if "seconds" in r), default=None)
    figures = {
        "attempts": len(results),
        "acknowledged": outcomes["acknowledged"],
        "stored": len(stored),
        "acknowledged_not_stored": len(acknowledged - stored),
        "shed_503_retry_after": outcomes["shed"],
        "failed": outcomes["failed"],
        "hung_over_10s": outcomes["hung"],
        "failures_by_answer": dict(Counter(
            str(r["status"]) for r in results if r["outcome"] in ("failed", "hung")
        )),
        "unanswered_when_the_run_ended": outcomes["unanswered"],
    }  # fmt: skip
    if slowest is not None:
        figures["slowest_s"] = round(slowest, 2)
    return figures


class Site:
    """`instances` gunicorn instances behind HAProxy, until stopped."""

    def __init__(self, env, folder, instances: int, args):
        self.servers = [
            Server(env, "actionhub.wsgi", args.workers, args.threads) for _ in range(instances)
        ]
        ports = [server.port for server in self.servers]
        self.proxy = Proxy(folder, ports, threads=args.workers * args.threads)
        self.port = self.proxy.https_port
        self.base = f"https://127.0.0.1:{self.port}"
        time.sleep(1)  # HAProxy's first health checks

    def stop(self):
        self.proxy.stop()
        for server in self.servers:
            server.stop()


def postgres_restart(env, site, cluster, redis, cores, args) -> dict:
    run, epoch = f"restart-{uuid.uuid4().hex[:6]}", time.monotonic()
    moments = {}

    def restart():
        time.sleep(args.seconds)
        moments["stopped"] = time.monotonic() - epoch
        cluster.stop()
        time.sleep(args.postgres_down)
        cluster.start()
        moments["back"] = time.monotonic() - epoch
        cores.pin_site(*site_processes(site, cluster, redis))

    restarter = threading.Thread(target=restart)
    restarter.start()
    results = signing_load(site.port, args.seconds * 2 + args.postgres_down, 32, run, epoch)
    restarter.join()
    figures = tally(results, emails_stored(env, run))
    after = [r for r in results if r["answered_at"] > moments["back"]]
    last_failure = max(
        (r["answered_at"] for r in after if r["outcome"] != "acknowledged"), default=moments["back"]
    )
    first_signed = min(
        (r["answered_at"] for r in after if r["outcome"] == "acknowledged"), default=None
    )
    return figures | {
        "database_down_s": round(moments["back"] - moments["stopped"], 1),
        "signed_again_s_after_return": (
            round(first_signed - moments["back"], 2) if first_signed is not None else None
        ),
        "last_failure_s_after_return": round(last_failure - moments["back"], 2),
    }


def overload(env, site, folder, args, binary) -> dict:
    """The rate the site sustains (32 supporters sending the form one after another), then ten
    times that offered by --most-at-once connections, each sending its share of the rate."""
    run = f"sustained-{uuid.uuid4().hex[:6]}"
    results, sustained = wrk_signing(binary, site, folder, run, args.seconds, 32, 0)
    rate = sum(r["outcome"] == "acknowledged" for r in results) / sustained["sending_s"]
    target = 10 * rate
    connections = args.most_at_once
    each = target / connections
    reads = {}
    reader = threading.Thread(target=lambda: reads.update(wrk(
        binary, f"{site.base}/pledge/{PLEDGE}/", args.seconds, 16, 2
    )))  # fmt: skip
    reader.start()
    run = f"overload-{uuid.uuid4().hex[:6]}"
    results, answers = wrk_signing(binary, site, folder, run, args.seconds, connections, each)
    reader.join()
    figures = tally(results, emails_stored(env, run))
    offered = len(results) / answers["sending_s"]
    return (
        {"sustained_signatures_per_s": round(rate, 1), "target_per_s": round(target, 1),
         "connections": connections, "forms_per_s_each": round(each, 2), "offered_per_s": round(offered, 1),
         "offered_over_sustained": round(offered / rate, 1) if rate else None}
        | figures | answers
        | {f"cached_page_{k}": v for k, v in reads.items()}
    )  # fmt: skip


def redis_stopped(env, site, cluster, redis, cores, args) -> dict:
    run, epoch = f"redis-{uuid.uuid4().hex[:6]}", time.monotonic()
    pages = []

    def read_pages():
        visitor = Visitor(site.port)
        deadline = time.monotonic() + args.seconds * 2
        while time.monotonic() < deadline:
            for path in ("/", f"/pledge/{PLEDGE}/", f"/pledge/{PLEDGE}/count.json"):
                started = time.monotonic()
                try:
                    status, _, _ = visitor.request("GET", path)
                except (OSError, http.client.HTTPException) as error:
                    status = type(error).__name__
                pages.append((status, time.monotonic() - started))

    def stop_redis():
        time.sleep(args.seconds / 2)
        redis.stop()
        time.sleep(args.seconds)
        redis.start()
        cores.pin_site(*site_processes(site, cluster, redis))

    counters_before = rate_limit_counters(env)
    threads = [threading.Thread(target=read_pages) for _ in range(4)]
    threads.append(threading.Thread(target=stop_redis))
    for thread in threads:
        thread.start()
    results = signing_load(site.port, args.seconds * 2, 16, run, epoch)
    for thread in threads:
        thread.join()
    statuses = Counter(str(status) for status, _ in pages)
    return tally(results, emails_stored(env, run)) | {
        "redis_down_s": args.seconds,
        "page_reads": len(pages),
        "page_reads_by_answer": dict(statuses),
        "page_read_p99_s": round(sorted(s for _, s in pages)[int(len(pages) * 0.99)], 3),
        "rate_limit_counts_in_database": rate_limit_counters(env) - counters_before,
    }


def rate_limit_counters(env) -> int:
    code = "from actionhub.core.models import RateLimitCounter; print(RateLimitCounter.objects.count())"
    return int(run_python(env, code))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--emails", type=int, default=1000)
    parser.add_argument("--smtp-down", type=int, default=120)
    parser.add_argument("--postgres-down", type=int, default=5)
    parser.add_argument("--most-at-once", type=int, default=300)
    args = parser.parse_args()
    debian_package("/usr/sbin/haproxy", "haproxy")
    binary = wrk_installed()
    say(f"Scale-out benchmark on {os.cpu_count()} cores: PostgreSQL and Redis of its own, "
        f"HAProxy over TLS, gunicorn {args.workers}x{args.threads} per instance")  # fmt: skip

    folder = Path(tempfile.mkdtemp(prefix="actionhub-scale-"))
    os.chmod(folder, 0o755)  # noqa: S103  (the database server's own user reaches its folder)
    cluster, redis = PostgresCluster(folder), RedisServer()
    env = site_env(cluster.database_create("actionhub"), folder) | {
        "CACHE_URL": redis.url, "DJANGO_BEHIND_TLS_PROXY": "true", "DJANGO_PROXY_COUNT": "1",
    }  # fmt: skip
    summary, scenarios = {}, {}
    try:
        manage(env, "migrate", "--no-input")
        manage(env, "collectstatic", "--no-input")
        manage(env, "load_campaign", "campaign_packs/uyghur-solidarity")

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

        # Before any signing, so that the only emails queued are the scenario's own.
        say(f"\n== one of two workers killed with SIGKILL while sending {args.emails} emails")
        scenarios["killed_worker"] = killed_worker(env, args.emails)
        say(json.dumps(scenarios["killed_worker"]))
        say(f"\n== the SMTP server away for {args.smtp_down} s")
        scenarios["smtp_down"] = smtp_down(env, 100, args.smtp_down)
        say(json.dumps(scenarios["smtp_down"]))

        site, cores = Site(env, folder, 2, args), Cores()
        cores.pin_site(*site_processes(site, cluster, redis))
        cores.favour(site.proxy.process.pid)
        cores.pin_load_generator()
        summary |= cores.figures()
        say(f"(the site on {len(cores.site)} of the cores, the supporters' clients on the rest)")
        try:
            say(f"\n== PostgreSQL stopped for {args.postgres_down} s while supporters sign")
            scenarios["postgres_restart"] = postgres_restart(env, site, cluster, redis, cores, args)
            say(json.dumps(scenarios["postgres_restart"]))
            say("\n== overload: supporters arriving at ten times the rate just measured")
            scenarios["overload"] = overload(env, site, folder, args, binary)
            say(json.dumps(scenarios["overload"]))
            say(f"\n== Redis stopped for {args.seconds} s while supporters sign and read")
            scenarios["redis_stopped"] = redis_stopped(env, site, cluster, redis, cores, args)
            say(json.dumps(scenarios["redis_stopped"]))
        finally:
            site.stop()

    finally:
        redis.stop()
        cluster.stop()
        shutil.rmtree(folder, ignore_errors=True)

    for scenario, figures in scenarios.items():
        summary |= {f"{scenario}_{k}": v for k, v in figures.items() if not isinstance(v, dict)}
    signing = [scenarios[name] for name in ("postgres_restart", "overload", "redis_stopped")]
    emailing = [scenarios[name] for name in ("killed_worker", "smtp_down")]
    summary |= {
        "signatures_lost": sum(figures["acknowledged_not_stored"] for figures in signing),
        "signatures_answered_500_or_hung": sum(
            figures["failed"] + figures["hung_over_10s"] for figures in signing
        ),
        "emails_lost": sum(figures["lost"] for figures in emailing),
        "emails_duplicated": sum(figures["duplicated"] for figures in emailing),
    }
    print(json.dumps(summary))  # noqa: T201


if __name__ == "__main__":
    main()
