"""Admin logins are throttled (django-axes): ADMIN_LOGIN_FAILURE_LIMIT failures for one
username from one address lock that pair out for ADMIN_LOGIN_COOLOFF_MINUTES, and the
right password does not get in during the lock."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

pytestmark = pytest.mark.django_db

LOGIN = f"/{settings.ADMIN_URL}login/"
ATTACKER = "203.0.113.7"


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    # Each login checks a password: a fast hasher keeps dozens of them quick.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user(username="sam", password="right-password-123", is_staff=True, is_superuser=True)


def log_in(client, username: str, password: str, address: str = ATTACKER):
    return client.post(LOGIN, {"username": username, "password": password, "next": f"/{settings.ADMIN_URL}"}, REMOTE_ADDR=address)


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_six_wrong_passwords_then_the_right_one_is_refused(client, staff):
    assert settings.ADMIN_LOGIN_FAILURE_LIMIT == 5
    answers = [log_in(client, "sam", f"guess-{n}").status_code for n in range(6)]
    assert answers[:4] == [200] * 4  # the form again, with an error
    assert answers[-1] == 429

    locked = log_in(client, "sam", "right-password-123")
    assert locked.status_code == 429
    assert b"too many login attempts" in locked.content.lower()
    assert not logged_in(client)


def test_the_lock_is_for_that_username_from_that_address(client, staff, django_user_model):
    django_user_model.objects.create_user(username="alex", password="alex-password-123", is_staff=True)
    for n in range(6):
        log_in(client, "sam", f"guess-{n}")

    # Another staff member behind the same address logs in fine...
    assert log_in(client, "alex", "alex-password-123").status_code == 302 and logged_in(client)
    client.logout()
    # ...and so does the locked user from their own address.
    assert log_in(client, "sam", "right-password-123", address="198.51.100.20").status_code == 302
    assert logged_in(client)


def test_the_lock_ends_after_the_cool_off(client, staff):
    from axes.models import AccessAttempt

    for n in range(6):
        log_in(client, "sam", f"guess-{n}")
    assert log_in(client, "sam", "right-password-123").status_code == 429

    later = timezone.now() - timedelta(minutes=settings.ADMIN_LOGIN_COOLOFF_MINUTES + 1)
    AccessAttempt.objects.update(attempt_time=later)
    assert log_in(client, "sam", "right-password-123").status_code == 302
    assert logged_in(client)


def test_a_successful_login_resets_the_count(client, staff):
    for n in range(4):
        log_in(client, "sam", f"guess-{n}")
    assert log_in(client, "sam", "right-password-123").status_code == 302
    client.logout()
    for n in range(4):
        log_in(client, "sam", f"again-{n}")
    assert log_in(client, "sam", "right-password-123").status_code == 302


def test_force_login_still_works_for_tests_and_staff_pages(client, staff):
    client.force_login(staff)
    assert client.get(f"/{settings.ADMIN_URL}").status_code == 200
