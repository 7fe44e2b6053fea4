"""The floor for the pledge benchmark: a WSGI app that does nothing but one INSERT per request.

Served by the same gunicorn, against the same database, it shows the most any signing path could
reach on this machine; the benchmark prints Action Hub's rate as a ratio to it.
"""

import os
import sqlite3
import threading
from urllib.parse import parse_qs, urlsplit

DATABASE_URL = os.environ["FLOOR_DATABASE_URL"]
_local = threading.local()


def _connection():
    if not hasattr(_local, "connection"):
        if DATABASE_URL.startswith("sqlite:///"):
            connection = sqlite3.connect(
                DATABASE_URL.removeprefix("sqlite:///"), timeout=20, isolation_level=None
            )
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
            _local.placeholder = "?"
        else:
            import psycopg

            connection = psycopg.connect(DATABASE_URL, autocommit=True)
            _local.placeholder = "%s"
        _local.connection = connection
    return _local.connection


def application(environ, start_response):
    length = int(environ.get("CONTENT_LENGTH") or 0)
    email = parse_qs(environ["wsgi.input"].read(length).decode()).get("email", [""])[0]
    connection = _connection()
    marker = _local.placeholder
    connection.execute(f"INSERT INTO bench_floor (email) VALUES ({marker})", (email,))  # noqa: S608
    start_response("303 See Other", [("Location", urlsplit("/done").path)])
    return [b""]
