"""Postcode import benchmark: our importer against the database's own bulk loader, same file.

Generates a synthetic ONSPD-format file (default 2.7 million postcodes across 650 invented
constituencies, 10% terminated), then for SQLite and PostgreSQL:
- imports it with `manage.py import_postcodes` in a child process, timing it and reading the
  child's peak memory;
- loads the same file with the database's bulk loader into a plain table (SQLite's `.import`,
  PostgreSQL's `COPY`): the baseline;
- looks up random postcodes through the lookup service (local backend) and times each.
The last line is JSON.

    .venv/bin/python benchmarks/bench_postcodes.py [--rows 2700000] [--skip-postgres]
"""

import argparse
import csv
import json
import os
import random
import shutil
import string
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PG_ADMIN_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
CONSTITUENCIES = [f"E14{n:06d}" for n in range(1, 651)]


def postcodes(count: int):
    """`count` distinct, well-formed postcodes: AA1 1AA, AA1 1AB, ..."""
    letters = string.ascii_uppercase
    produced = 0
    for first in letters:
        for second in letters:
            for district in range(1, 10):
                for sector in range(10):
                    for unit_a in letters:
                        for unit_b in letters:
                            yield f"{first}{second}{district} {sector}{unit_a}{unit_b}"
                            produced += 1
                            if produced == count:
                                return


def write_files(folder: Path, rows: int) -> tuple[Path, Path]:
    hexjson = folder / "constituencies.hexjson"
    hexes = {
        code: {"n": f"Constituency {n}", "q": n % 30, "r": -(n // 30)}
        for n, code in enumerate(CONSTITUENCIES)
    }
    hexjson.write_text(json.dumps({"layout": "odd-r", "hexes": hexes}))
    onspd = folder / "ONSPD_SYNTHETIC_UK.csv"
    chooser = random.Random(7)
    with onspd.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["pcd", "pcd2", "pcds", "dointr", "doterm", "oscty", "pcon", "lat", "long"])
        for postcode in postcodes(rows):
            terminated = "202001" if chooser.random() < 0.1 else ""
            writer.writerow([
                postcode.replace(" ", ""), postcode, postcode, "198001", terminated, "E99999999",
                chooser.choice(CONSTITUENCIES), "51.5", "-0.1",
            ])  # fmt: skip
    return hexjson, onspd


def env_for(database_url: str, var_dir: Path) -> dict:
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
        "DJANGO_ENV": "development",
        "DATABASE_URL": database_url,
        "ACTIONHUB_VAR_DIR": str(var_dir),
        "PYTHONPATH": str(REPO),
    }


def timed_child(args, env) -> tuple[float, float]:
    """Run a child process; return its seconds and its peak resident memory in MB."""
    started = time.perf_counter()
    child = subprocess.Popen(args, cwd=REPO, env=env, stdout=subprocess.DEVNULL)  # noqa: S603
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise RuntimeError(f"{args} failed")
    return time.perf_counter() - started, usage.ru_maxrss / 1024


def bulk_load(database_url: str, onspd: Path) -> float:
    started = time.perf_counter()
    if database_url.startswith("sqlite:///"):
        database = database_url.removeprefix("sqlite:///")
        subprocess.run(  # noqa: S603
            ["sqlite3", database],  # noqa: S607  (Debian's sqlite3 shell)
            input=f".mode csv\n.import --skip 1 {onspd} bulk_postcodes\n",
            text=True, check=True, capture_output=True,
        )  # fmt: skip
    else:
        import psycopg

        with psycopg.connect(database_url) as connection:
            connection.execute(
                "CREATE TABLE bulk_postcodes (pcd text, pcd2 text, pcds text, dointr text, "
                "doterm text, oscty text, pcon text, lat text, long text)"
            )
            with (
                connection.cursor().copy(
                    "COPY bulk_postcodes FROM STDIN WITH (FORMAT csv, HEADER true)"
                ) as copy,
                onspd.open("rb") as source,
            ):
                while chunk := source.read(1 << 20):
                    copy.write(chunk)
    return time.perf_counter() - started


LOOKUPS = """
import json, random, sys, time
import django
django.setup()
from actionhub.parliament.lookup import PostcodeProblem, postcode_lookup_local
sample = json.loads(sys.argv[1])
timings = []
for postcode in sample:
    started = time.perf_counter()
    try:
        postcode_lookup_local(postcode)
    except PostcodeProblem:
        pass
    timings.append((time.perf_counter() - started) * 1000)
timings.sort()
print(json.dumps({"p50": timings[len(timings) // 2], "p99": timings[int(len(timings) * 0.99)],
                  "per_s": len(timings) / (sum(timings) / 1000)}))
"""


def bench(label, database_url, var_dir, hexjson, onspd, rows, lookups) -> dict:
    env = env_for(database_url, var_dir)
    manage = [sys.executable, "manage.py"]
    print(f"\n== {label}", flush=True)  # noqa: T201
    subprocess.run([*manage, "migrate", "-v0"], cwd=REPO, env=env, check=True)  # noqa: S603
    subprocess.run(
        [*manage, "import_constituencies", str(hexjson)],
        cwd=REPO,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )  # noqa: S603
    import_s, peak_mb = timed_child([*manage, "import_postcodes", str(onspd)], env)
    loader_s = bulk_load(database_url, onspd)
    chooser = random.Random(11)
    every = list(postcodes(rows))
    sample = [chooser.choice(every) for _ in range(lookups)]
    del every
    output = subprocess.run(  # noqa: S603
        [sys.executable, "-c", LOOKUPS, json.dumps(sample)],
        cwd=REPO, env={**env, "DJANGO_SETTINGS_MODULE": "actionhub.settings"},
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    lookup = json.loads(output.stdout.strip().splitlines()[-1])
    figures = {
        "rows": rows,
        "import_s": round(import_s, 1),
        "bulk_loader_s": round(loader_s, 1),
        "ratio_vs_bulk_loader": round(import_s / loader_s, 2),
        "peak_rss_mb": round(peak_mb, 1),
        "lookup_p50_ms": round(lookup["p50"], 3),
        "lookup_p99_ms": round(lookup["p99"], 3),
        "lookups_per_s": round(lookup["per_s"]),
    }
    for key, value in figures.items():
        print(f"  {key}: {value}")  # noqa: T201
    return figures


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=2_700_000)
    parser.add_argument("--lookups", type=int, default=5000)
    parser.add_argument("--skip-postgres", action="store_true")
    args = parser.parse_args()
    if shutil.which("sqlite3") is None:
        sys.exit("The SQLite baseline needs Debian's sqlite3 shell: sudo apt-get install sqlite3")
    folder = Path(tempfile.mkdtemp(prefix="actionhub-bench-postcodes-"))
    summary = {}
    try:
        print(f"Writing a synthetic ONSPD file of {args.rows:,} postcodes", flush=True)  # noqa: T201
        hexjson, onspd = write_files(folder, args.rows)
        sqlite = bench(
            "SQLite",
            f"sqlite:///{folder / 'bench.sqlite3'}",
            folder,
            hexjson,
            onspd,
            args.rows,
            args.lookups,
        )
        summary.update(sqlite)
        if not args.skip_postgres:
            try:
                import psycopg

                name = f"actionhub_bench_pc_{os.getpid()}"
                with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5) as admin:
                    admin.execute(f"CREATE DATABASE {name}")
            except Exception as error:  # noqa: BLE001
                print(f"PostgreSQL not available ({error}); skipping it.")  # noqa: T201
            else:
                try:
                    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
                    postgres = bench(
                        "PostgreSQL", url, folder, hexjson, onspd, args.rows, args.lookups
                    )
                    summary.update({f"postgres_{k}": v for k, v in postgres.items()})
                finally:
                    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
                        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(json.dumps(summary))  # noqa: T201


if __name__ == "__main__":
    main()
