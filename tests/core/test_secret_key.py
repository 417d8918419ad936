"""Production refuses a DJANGO_SECRET_KEY that is a shipped placeholder or not random."""

from __future__ import annotations

import re
import secrets

import pytest
from django.core.management.utils import get_random_secret_key

from core.secret_key import secret_key_problem
from tests.config.test_production import BASE_DIR, production_env, run


def env_example_key() -> str:
    text = (BASE_DIR / "deploy" / "env.example").read_text()
    return re.search(r"^DJANGO_SECRET_KEY=(.*)$", text, re.M).group(1).strip()


REFUSED = {
    "the deploy/env.example placeholder": env_example_key(),
    "the demo key": "django-insecure-demo-only-do-not-use-in-production",
    "a repeated word": "password1" * 6,
    "a repeated run of distinct letters": "abcdefghijklmnop" * 4,
    "a long placeholder": "change-me-" + secrets.token_urlsafe(50),
    "an insecure marker": secrets.token_urlsafe(50) + "-insecure",
    "the alphabet": "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "a repeated passphrase": "correct-horse-battery-staple-" * 2,
    "too short": secrets.token_urlsafe(30),
}


@pytest.mark.slow
@pytest.mark.parametrize("key", list(REFUSED.values())[:4], ids=list(REFUSED)[:4])
def test_check_deploy_refuses_placeholder_and_low_entropy_keys(tmp_path, key):
    result = run(production_env(tmp_path, DJANGO_SECRET_KEY=key), "manage.py", "check", "--deploy")

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr
    assert key not in result.stderr + result.stdout  # the key itself is never printed


@pytest.mark.slow
def test_check_deploy_accepts_a_key_made_by_django(tmp_path):
    env = production_env(tmp_path, DJANGO_SECRET_KEY=get_random_secret_key())
    result = run(env, "manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("key", REFUSED.values(), ids=REFUSED.keys())
def test_placeholders_and_guessable_keys_are_refused_with_a_reason(key):
    assert secret_key_problem(key)


@pytest.mark.parametrize(
    "make",
    [get_random_secret_key, lambda: secrets.token_hex(32), lambda: secrets.token_urlsafe(38), lambda: secrets.token_urlsafe(60)],
    ids=["django", "token_hex(32)", "token_urlsafe(38)", "token_urlsafe(60)"],
)
def test_random_keys_from_the_usual_generators_are_accepted(make):
    refused = [problem for problem in (secret_key_problem(make()) for _ in range(2000)) if problem]
    assert refused == []
