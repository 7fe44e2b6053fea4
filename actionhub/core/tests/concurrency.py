"""Running the same work in many threads released at one instant, for race tests."""

import threading

import pytest
from django.db import connection

only_where_writers_race = pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="SQLite takes one writer at a time, so nothing here can race; "
    "CI runs this test on PostgreSQL",
)


def run_together(work, arguments: list) -> tuple[list, list]:
    """Call `work(argument)` for each argument, all threads starting at once.

    Returns (results, errors); each thread closes its own database connection.
    """
    barrier = threading.Barrier(len(arguments))
    results, errors = [], []

    def one(argument):
        try:
            barrier.wait()
            results.append(work(argument))
        except Exception as error:  # noqa: BLE001  (every failure is reported by the test)
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=one, args=(argument,)) for argument in arguments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors
