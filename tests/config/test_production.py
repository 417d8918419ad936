"""The production configuration: `check --deploy` is clean, responses are hardened,
static files are served by WhiteNoise (hashed, compressed, cached for a year)."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


def production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "DJANGO_", "DATABASE_", "REDIS_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_ENV="production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(60),
        DJANGO_ALLOWED_HOSTS="shop.example.com,testserver",
        DATABASE_URL=f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        STATIC_ROOT=str(tmp_path / "static"),
    )
    env.update(extra)
    return env


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=240)


def test_check_deploy_is_clean_under_the_production_configuration(tmp_path):
    result = run(production_env(tmp_path), "manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_real_secret_key(tmp_path):
    env = production_env(tmp_path, DJANGO_SECRET_KEY="short")
    result = run(env, "manage.py", "check")
    assert result.returncode != 0 and "DJANGO_SECRET_KEY" in result.stderr


PROBE = r"""
import json, django
django.setup()
from django.core.management import call_command
from django.test import Client
from django.contrib.staticfiles.storage import staticfiles_storage

call_command("collectstatic", "--noinput", verbosity=0)
client = Client()
class https:
    get = staticmethod(lambda path, **extra: client.get(path, secure=True, **extra))
http = client

def answer(response):
    return {"status": response.status_code, "headers": dict(response.headers),
            "cookies": {name: {"secure": bool(c["secure"]), "httponly": bool(c["httponly"])} for name, c in response.cookies.items()}}

css = staticfiles_storage.url("admin/css/base.css")
print(json.dumps({
    "healthz_https": answer(https.get("/healthz")),
    "healthz_http": answer(http.get("/healthz")),
    "page_http": answer(http.get("/")),
    "admin_login": answer(https.get("/ops-console/login/")),
    "default_admin": answer(https.get("/admin/login/")),
    "css_url": css,
    "css": answer(https.get(css, HTTP_ACCEPT_ENCODING="gzip")),
}))
"""


def test_production_responses_are_hardened_and_static_files_come_from_whitenoise(tmp_path):
    result = run(production_env(tmp_path, ADMIN_URL="ops-console/"), "-c", PROBE)
    assert result.returncode == 0, result.stderr[-3000:]
    seen = json.loads(result.stdout.strip().splitlines()[-1])

    headers = seen["healthz_https"]["headers"]
    assert seen["healthz_https"]["status"] == 200
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    # Plain HTTP is redirected to HTTPS, except the probes a load balancer sends.
    assert seen["page_http"]["status"] == 301
    assert seen["page_http"]["headers"]["Location"].startswith("https://")
    assert seen["healthz_http"]["status"] == 200
    # The admin lives at ADMIN_URL; its cookies are Secure.
    assert seen["admin_login"]["status"] == 200
    assert seen["admin_login"]["cookies"]["csrftoken"]["secure"] is True
    assert seen["default_admin"]["status"] == 404
    # Hashed file names, gzip, cached for a year.
    assert seen["css_url"] != "/static/admin/css/base.css"
    assert seen["css"]["status"] == 200
    assert seen["css"]["headers"].get("Content-Encoding") == "gzip"
    assert "immutable" in seen["css"]["headers"]["Cache-Control"]
