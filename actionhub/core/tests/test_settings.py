"""The settings module: production refuses unsafe defaults; SQLite runs in WAL mode."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]


def run_settings(env, code):
    """Run `code` in a fresh interpreter whose environment holds only `env` (plus PATH etc.)."""
    clean = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    clean.pop("DATABASE_URL", None)
    return subprocess.run(  # noqa: S603  (our own interpreter and code)
        [sys.executable, "-c", code],
        cwd=REPO,
        env={**clean, "DJANGO_SETTINGS_MODULE": "actionhub.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION = {
    "DJANGO_ENV": "production",
    "DJANGO_SECRET_KEY": "a-long-random-secret-used-only-by-this-test-0123456789abcdefghij",
    "DJANGO_ALLOWED_HOSTS": "campaign.example.org",
    "EMAIL_HOST": "smtp.example.org",
    "DATA_PROTECTION_EMAIL": "data-protection@charity.org.uk",
}


def test_production_settings_pass_the_deploy_checks_and_secure_cookies():
    result = run_settings(
        PRODUCTION,
        "import django; django.setup()\n"
        "from django.conf import settings as s\n"
        "from django.core.management import call_command\n"
        "call_command('check', deploy=True, fail_level='WARNING')\n"
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY,"
        " s.SESSION_COOKIE_SAMESITE, s.SECURE_SSL_REDIRECT, s.DEBUG)",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "True True True Lax True False"


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("DJANGO_SECRET_KEY", "DJANGO_SECRET_KEY must be set in production"),
        ("DJANGO_ALLOWED_HOSTS", "DJANGO_ALLOWED_HOSTS must be set in production"),
        ("EMAIL_HOST", "EMAIL_HOST must be set in production"),
        ("DATA_PROTECTION_EMAIL", "DATA_PROTECTION_EMAIL must be set in production"),
    ],
)
def test_production_refuses_to_start_without_its_secrets(missing, message):
    env = {key: value for key, value in PRODUCTION.items() if key != missing}
    result = run_settings(env, "import django; django.setup()")
    assert result.returncode != 0
    assert message in result.stderr


@pytest.mark.parametrize(
    "placeholder",
    ["privacy@example.org", "DPO@Campaign.Example.COM", "change-me", "dpo@charity.test"],
)
def test_production_refuses_a_data_protection_address_that_reaches_nobody(placeholder):
    result = run_settings(
        {**PRODUCTION, "DATA_PROTECTION_EMAIL": placeholder}, "import django; django.setup()"
    )
    assert result.returncode != 0
    assert (
        f"DATA_PROTECTION_EMAIL must be set in production to the address that answers data "
        f"protection requests, not the placeholder {placeholder!r}" in result.stderr
    )


def test_a_mistyped_setting_gets_a_clear_message():
    result = run_settings(
        {**PRODUCTION, "DJANGO_HSTS_SECONDS": "one year"}, "import django; django.setup()"
    )
    assert "DJANGO_HSTS_SECONDS must be a whole number, not 'one year'" in result.stderr


def test_sqlite_runs_in_wal_mode_with_immediate_transactions(tmp_path):
    result = run_settings(
        {"DJANGO_ENV": "development", "ACTIONHUB_VAR_DIR": str(tmp_path)},
        "import django; django.setup()\n"
        "from django.db import connection\n"
        "with connection.cursor() as cursor:\n"
        "    cursor.execute('PRAGMA journal_mode')\n"
        "    print(cursor.fetchone()[0], connection.settings_dict['OPTIONS']['transaction_mode'])",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["wal", "IMMEDIATE"]
    assert (tmp_path / "actionhub.sqlite3").exists()


def test_database_url_selects_postgresql():
    result = run_settings(
        {**PRODUCTION, "DATABASE_URL": "postgres://campaign@db.internal:5432/actionhub"},
        "import django; django.setup()\n"
        "from django.conf import settings\n"
        "db = settings.DATABASES['default']\n"
        "print(db['ENGINE'], db['HOST'], db['NAME'])",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "db.internal",
        "actionhub",
    ]
