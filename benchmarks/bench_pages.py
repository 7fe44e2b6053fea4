"""Page benchmark: what a supporter's first look costs, against a static file in the same run.

It starts the site with gunicorn and production settings on SQLite, loads the default campaign,
then drives each page a supporter sees first with wrk (Debian's package, installed if missing)
as a visitor without cookies: the site's own CSS file through the same gunicorn and WhiteNoise
(the floor), the pledge's count.json, and the home, pledge, letters, demonstration, brands and
appeal pages. It prints requests per second, latency percentiles, errors and each path's ratio to
the floor. The last line is JSON.

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
                results[name] = wrk(binary, base + path, args.seconds, args.connections,
                                    args.wrk_threads)  # fmt: skip
        finally:
            server.stop()
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)

    floor = results["static_file"]["req_per_s"]
    print(f"\n{'path':<15}{'req/s':>10}{'ratio':>8}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}")  # noqa: T201
    summary = {"floor_req_per_s": floor}
    for name, figures in results.items():
        ratio = round(figures["req_per_s"] / floor, 3)
        print(f"{name:<15}{figures['req_per_s']:>10.0f}{ratio:>8.3f}{figures['p50_ms']:>9.1f}"  # noqa: T201
              f"{figures['p99_ms']:>9.1f}{figures['errors']:>8}")  # fmt: skip
        summary[f"{name}_ratio"] = ratio
        summary[f"{name}_req_per_s"] = figures["req_per_s"]
        summary[f"{name}_p99_ms"] = figures["p99_ms"]
        summary[f"{name}_errors"] = figures["errors"]
    print(json.dumps(summary))  # noqa: T201


if __name__ == "__main__":
    main()
