"""The production guard rails of the settings, checked in a fresh interpreter each."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(code, **env):
    clean = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY", "DJANGO_SETTINGS_MODULE")}
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, timeout=60
    )


def test_the_web_application_refuses_to_start_without_a_secret_key_when_debug_is_off():
    result = run("import gridadmin.wsgi", DEBUG="0")
    assert result.returncode != 0
    assert "The SECRET_KEY setting must not be empty" in result.stderr


def test_the_web_application_starts_with_a_secret_key():
    result = run("import gridadmin.wsgi", DEBUG="0", SECRET_KEY="x" * 60, ALLOWED_HOSTS="grid.example.org")
    assert result.returncode == 0, result.stderr


def test_production_settings_by_default():
    code = (
        "import os; os.environ['DJANGO_SETTINGS_MODULE']='gridadmin.settings'; import django; django.setup();"
        "from django.conf import settings as s;"
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.TIME_ZONE, s.USE_TZ)"
    )
    result = run(code, SECRET_KEY="x" * 60)
    assert result.stdout.split() == ["False", "True", "True", "True", "Asia/Shanghai", "True"]


def test_migrations_can_be_checked_without_a_secret_key():
    result = run(
        "import sys; from django.core.management import execute_from_command_line as m;"
        "m(['manage.py', 'makemigrations', '--check', '--dry-run'])",
        DJANGO_SETTINGS_MODULE="gridadmin.settings",
    )
    assert result.returncode == 0, result.stderr
