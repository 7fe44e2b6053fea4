"""The site as real processes, with production settings: for the fault tests and the benchmarks."""

import asyncio
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def site_env(database_url: str, var_dir: Path) -> dict:
    """Production settings on a local database; the load comes from one address, so the
    per-address limits are raised and the form's minimum time is off."""
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))},
        "DJANGO_ENV": "production",
        "DJANGO_SECRET_KEY": "local-processes-only-" + "x" * 50,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_SECURE_COOKIES": "false",
        "EMAIL_HOST": "127.0.0.1",
        "DATA_PROTECTION_EMAIL": "data-protection@charity.org.uk",
        "DATABASE_URL": database_url,
        "ACTIONHUB_VAR_DIR": str(var_dir),
        "PLEDGE_SIGNATURES_PER_MINUTE_PER_IP": str(10**9),
        "PLEDGE_SIGNATURES_PER_HOUR_PER_IP": str(10**9),
        "PLEDGE_MIN_FORM_SECONDS": "0",
        "DJANGO_SETTINGS_MODULE": "actionhub.settings",
        "PYTHONPATH": str(REPO),
    }


def manage(env: dict, *args: str) -> None:
    subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args], cwd=REPO, env=env, check=True, capture_output=True
    )


class Server:
    """gunicorn serving `app` until stopped."""

    def __init__(self, env: dict, app: str, workers: int, threads: int):
        self.port = free_port()
        self.process = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "gunicorn", app, "--bind", f"127.0.0.1:{self.port}",
             "--workers", str(workers), "--threads", str(threads), "--worker-class", "gthread",
             "--log-level", "warning", "--chdir", str(REPO)],
            env=env, start_new_session=True,
        )  # fmt: skip
        try:
            _wait_for_port(self.port, 30)
        except RuntimeError:
            self.stop()
            raise RuntimeError(f"gunicorn did not start serving {app}") from None

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)

    def kill(self):
        """SIGKILL to gunicorn and every worker process it started: the instance is gone."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)


class Worker:
    """`manage.py db_worker`, the task worker that sends every email, until stopped or killed."""

    def __init__(self, env: dict):
        self.process = subprocess.Popen(  # noqa: S603
            [sys.executable, "manage.py", "db_worker", "--no-reload", "--interval", "0.1",
             "--no-startup-delay", "--verbosity", "0"],
            cwd=REPO, env=env,
        )  # fmt: skip

    def kill(self):
        self.process.kill()  # SIGKILL: no chance to finish or tidy up
        self.process.wait(timeout=30)

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)


def run_python(env: dict, code: str) -> str:
    """Run `code` with Django set up in a child process on `env`'s database; its output."""
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=REPO, env=env, check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip


def queue_emails(env: dict, count: int) -> None:
    run_python(
        env,
        f"""
from django.db import transaction
from actionhub.core.email import email_send
with transaction.atomic():
    for number in range({count}):
        email_send(to=[f"supporter{{number}}@example.org"], subject="Confirm", body="Link")
""",
    )


def queue_mailing(env: dict, count: int) -> None:
    """`count` supporters who agreed to hear more, and a mailing to them all, asked to be sent
    now (the default campaign must be loaded)."""
    run_python(
        env,
        f"""
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from actionhub.campaigns.models import Campaign
from actionhub.mailings.models import Mailing
from actionhub.mailings.services import mailing_send_request
from actionhub.supporters.models import CAMPAIGN_EMAILS_WORDING, Consent, Person
now = timezone.now()
people = Person.objects.bulk_create(
    Person(email=f"supporter{{n}}@example.org", email_normalised=f"supporter{{n}}@example.org",
           first_name="Supporter") for n in range({count})
)
Consent.objects.bulk_create(
    Consent(person=person, purpose=Consent.Purpose.CAMPAIGN_EMAILS,
            wording=CAMPAIGN_EMAILS_WORDING,
            wording_version=Consent.version_of(CAMPAIGN_EMAILS_WORDING), method="Pledge form",
            given_at=now) for person in Person.objects.all()
)
organiser = get_user_model().objects.create_superuser("sender", "sender@example.org", "x")
mailing = Mailing.objects.create(campaign=Campaign.objects.get(is_default=True),
                                 subject="Demonstrate on Sunday", body="Join us at **2pm**.")
Mailing.objects.filter(pk=mailing.pk).update(tested_at=mailing.updated_at)  # as after a test
mailing.refresh_from_db()
with transaction.atomic():
    mailing_send_request(actor=organiser, mailing=mailing)
""",
    )


def mailing_figures(env: dict) -> dict:
    code = (
        "import json; from actionhub.mailings.models import Mailing;"
        "from actionhub.mailings.services import mailing_figures;"
        "m = Mailing.objects.get(); print(json.dumps({'status': m.status, **mailing_figures(m)}))"
    )
    return json.loads(run_python(env, code))


def requeue_stalled_tasks(env: dict) -> int:
    """The periodic sweep as it runs once TASK_STALLED_AFTER has passed since a worker died."""
    return int(
        run_python(
            env,
            """
from django.conf import settings
from django.utils import timezone
from actionhub.core.queue import tasks_requeue_stalled
print(tasks_requeue_stalled(now=timezone.now() + settings.TASK_STALLED_AFTER))
""",
        )
    )


def emails_waiting(env: dict) -> int:
    code = "from actionhub.core.models import OutboundEmail; print(OutboundEmail.objects.count())"
    return int(run_python(env, code))


def emails_tried(env: dict) -> int:
    code = (
        "from actionhub.core.models import OutboundEmail;"
        "print(OutboundEmail.objects.filter(attempts__gte=1).count())"
    )
    return int(run_python(env, code))


def postgres_admin_url() -> str:
    return os.environ.get("ADMIN_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")


def postgres_database_create(name: str) -> str:
    import psycopg

    with psycopg.connect(postgres_admin_url(), autocommit=True, connect_timeout=5) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    return postgres_admin_url().rsplit("/", 1)[0] + f"/{name}"


def postgres_database_drop(name: str) -> None:
    import psycopg

    with psycopg.connect(postgres_admin_url(), autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


class Inbox:
    """An SMTP server's receiving end. With `hold_at`, it keeps that message but holds back
    its "250 OK", so a worker killed then dies in the middle of sending it."""

    def __init__(self, hold_at=None):
        self.messages = []
        self.hold_at = hold_at
        self.holding = threading.Event()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802  (aiosmtpd's name)
        text = envelope.content.decode()
        message_id = next(
            line.split(":", 1)[1].strip() for line in text.splitlines()
            if line.lower().startswith("message-id:")
        )  # fmt: skip
        self.messages.append((envelope.rcpt_tos[0], message_id))
        if len(self.messages) == self.hold_at:
            self.held = envelope.rcpt_tos[0]
            self.holding.set()
            await asyncio.sleep(60)
        return "250 OK"


class Proxy:
    """HAProxy with deploy/haproxy/actionhub.cfg in front of gunicorn instances."""

    def __init__(self, folder: Path, instance_ports: list[int], threads: int):
        certificate = folder / "site.pem"
        subprocess.run(  # noqa: S603
            ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",  # noqa: S607
             "-nodes", "-days", "2",
             "-subj", "/CN=localhost", "-keyout", certificate, "-out", certificate],
            check=True, capture_output=True,
        )  # fmt: skip
        self.http_port, self.https_port = free_port(), free_port()
        web1, web2 = (instance_ports * 2)[:2]  # one instance: both names for the same one
        self.process = subprocess.Popen(  # noqa: S603
            ["/usr/sbin/haproxy", "-db", "-f", REPO / "deploy" / "haproxy" / "actionhub.cfg"],
            env={**os.environ, "ACTIONHUB_DEPLOY_DIR": str(REPO / "deploy"),
                 "ACTIONHUB_SITE_HOST": "localhost",
                 "ACTIONHUB_HTTP_BIND": f"127.0.0.1:{self.http_port}",
                 "ACTIONHUB_HTTPS_BIND": f"127.0.0.1:{self.https_port}",
                 "ACTIONHUB_TLS_CERT": str(certificate),
                 "ACTIONHUB_THREADS_PER_INSTANCE": str(threads),
                 "ACTIONHUB_WEB1": f"127.0.0.1:{web1}", "ACTIONHUB_WEB2": f"127.0.0.1:{web2}"},
        )  # fmt: skip

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


class PostgresCluster:
    """A PostgreSQL server of its own (initdb in `folder`, on a free port), so that it can be
    stopped and started again without touching the machine's. Root runs it as `postgres`."""

    def __init__(self, folder: Path):
        self.data = folder / "postgres"
        self.data.mkdir()
        self.port = free_port()
        self.as_owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_owner:
            shutil.chown(self.data, "postgres")
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")
        self.start()

    def _run(self, program: str, *args: str) -> None:
        binary = shutil.which(program) or f"/usr/lib/postgresql/15/bin/{program}"
        subprocess.run([*self.as_owner, binary, *args], check=True, capture_output=True)  # noqa: S603

    def _pg_ctl(self, *args: str) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-w", *args)

    def start(self) -> None:
        options = f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1 -c fsync=on"
        self._pg_ctl("-o", options, "-l", str(self.data / "server.log"), "start")

    def stop(self) -> None:
        self._pg_ctl("-m", "fast", "stop")

    def url(self, database: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def database_create(self, name: str) -> str:
        import psycopg

        with psycopg.connect(self.url(), autocommit=True, connect_timeout=5) as admin:
            admin.execute(f"CREATE DATABASE {name}")
        return self.url(name)


class RedisServer:
    """A Redis server of its own on a free port, keeping nothing on disk, that can be stopped
    and started again."""

    def __init__(self, *options: str):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.options = options  # more of redis-server's own, e.g. "--maxmemory", "1mb"
        self.start()

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",  # noqa: S607
             "--appendonly", "no", "--loglevel", "warning", *self.options],
            stdout=subprocess.DEVNULL,
            # On the real clock: under libfaketime (make test-clocks) redis-server cannot start.
            env={k: v for k, v in os.environ.items() if k not in ("LD_PRELOAD", "FAKETIME")},
        )  # fmt: skip
        try:
            _wait_for_port(self.port, 10)
        except RuntimeError:
            self.stop()  # never left running behind a failed start
            raise

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


def _wait_for_port(port: int, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing answered on port {port}")
