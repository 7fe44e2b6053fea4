"""Page benchmark: what a supporter's first look costs, against a static file in the same run.

It starts the site with gunicorn and production settings on SQLite, loads the default campaign,
then drives each page a supporter sees first with wrk (Debian's package, installed if missing)
as a visitor without cookies: the site's own CSS file through the same gunicorn and WhiteNoise
(the floor), the pledge's count.json, and the home, pledge, letters, demonstration, brands and
appeal pages. It prints requests per second, latency percentiles, errors, each path's ratio to
the floor, and the share of the work the busiest gunicorn worker did (wrk's connections are kept
open, and where they land decides how many processes serve them: a run where one process did
nearly all of it is made again). The last line is JSON.

    .venv/bin/python benchmarks/bench_pages.py [--seconds 10] [--connections 32]
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import tempfile
import urllib.request
from pathlib import Path

from bench_pledge import PLEDGE, Server, manage, site_env

PAGES = {
    "count_json": f"/pledge/{PLEDGE}/count.json",
    "home": "/",
    "pledge": f"/pledge/{PLEDGE}/",
    "letters": "/write-to-your-mp/",
    "demonstration": "/demonstration/",
    "brands": "/brands/",
    "appeal": "/appeal/",
}
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}
# A run whose connections all landed on one gunicorn process measured how those connections were
# accepted, not the page: it is made again, with new connections, up to MOST_TRIES times.
ONE_WORKER_SHARE = 0.9
MOST_TRIES = 3


def wrk_installed() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    print("Installing Debian's wrk", flush=True)  # noqa: T201
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, capture_output=True)  # noqa: S607
    return shutil.which("wrk")


def milliseconds(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return round(float(number) * UNITS[unit], 2)


def wrk(binary: str, url: str, seconds: int, connections: int, threads: int) -> dict:
    output = subprocess.run(  # noqa: S603
        [binary, f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout",
         "10s", url],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    figures = {"req_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1])}
    for share in ("50", "90", "99"):
        figures[f"p{share}_ms"] = milliseconds(re.search(rf"\s{share}%\s+(\S+)", output)[1])
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)",
                              output)  # fmt: skip
    figures["errors"] = (int(errors[1]) if errors else 0) + (
        sum(int(n) for n in socket_errors.groups()) if socket_errors else 0
    )
    return figures


def worker_cpu_seconds(master: int) -> dict[int, float]:
    """CPU seconds each gunicorn worker process has used (its children of `master`)."""
    seconds = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:  # fields[1] is the parent; 11 and 12 user and system time
            seconds[int(stat.parent.name)] = (int(fields[11]) + int(fields[12])) / os.sysconf(
                "SC_CLK_TCK"
            )
    return seconds


def busiest_share(before: dict, after: dict) -> float:
    """The share of the run's CPU that its busiest worker used: 1/3 is even across three
    workers; near 1 means wrk's connections all landed on one process, which then had one
    core's worth, whatever the others could do."""
    used = [after[pid] - before.get(pid, 0) for pid in after]
    return round(max(used) / sum(used), 2) if sum(used) else 0.0


def stylesheet(base: str) -> str:
    """The site's own CSS, under the name the home page links it by."""
    with urllib.request.urlopen(base + "/") as response:  # noqa: S310  (our own local server)
        html = response.read().decode()
    return re.search(r'href="(/static/[^"]+\.css)"', html)[1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    binary = wrk_installed()
    print(f"Page benchmark on {os.cpu_count()} cores: wrk {args.connections} connections for "  # noqa: T201
          f"{args.seconds}s each; gunicorn {args.workers}x{args.threads}, SQLite")  # fmt: skip
    var_dir = Path(tempfile.mkdtemp(prefix="actionhub-pages-"))
    env = site_env(f"sqlite:///{var_dir / 'bench.sqlite3'}", var_dir)
    results = {}
    try:
        manage(env, "migrate", "--no-input")
        manage(env, "collectstatic", "--no-input")
        manage(env, "load_campaign", "campaign_packs/uyghur-solidarity")
        manage(env, "load_demo_parliament", "--if-empty")
        server = Server(env, "actionhub.wsgi", args.workers, args.threads)
        base = f"http://127.0.0.1:{server.port}"
        try:
            paths = {"static_file": stylesheet(base), **PAGES}
            for name, path in paths.items():
                wrk(binary, base + path, 2, args.connections, args.wrk_threads)  # warm up
                tries, share = 0, 1.0
                while share >= ONE_WORKER_SHARE and tries < MOST_TRIES:
                    tries += 1
                    before = worker_cpu_seconds(server.process.pid)
                    figures = wrk(binary, base + path, args.seconds, args.connections,
                                  args.wrk_threads)  # fmt: skip
                    share = busiest_share(before, worker_cpu_seconds(server.process.pid))
                results[name] = figures | {"busiest_worker_share": share, "tries": tries}
        finally:
            server.stop()
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)

    floor = results["static_file"]["req_per_s"]
    print(f"\n{'path':<15}{'req/s':>10}{'ratio':>8}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}"  # noqa: T201
          f"{'busiest':>9}{'tries':>7}")  # fmt: skip
    summary = {"floor_req_per_s": floor}
    for name, figures in results.items():
        ratio = round(figures["req_per_s"] / floor, 3)
        print(f"{name:<15}{figures['req_per_s']:>10.0f}{ratio:>8.3f}{figures['p50_ms']:>9.1f}"  # noqa: T201
              f"{figures['p99_ms']:>9.1f}{figures['errors']:>8}"
              f"{figures['busiest_worker_share']:>9.2f}{figures['tries']:>7}")  # fmt: skip
        summary[f"{name}_ratio"] = ratio
        summary[f"{name}_req_per_s"] = figures["req_per_s"]
        summary[f"{name}_p99_ms"] = figures["p99_ms"]
        summary[f"{name}_errors"] = figures["errors"]
        summary[f"{name}_busiest_worker_share"] = figures["busiest_worker_share"]
        summary[f"{name}_tries"] = figures["tries"]
    print(json.dumps(summary))  # noqa: T201


if __name__ == "__main__":
    main()
