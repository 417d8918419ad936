"""`manage.py load_demo` under DJANGO_ENV=production: refused unless asked for, and then
never with the public admin/admin login."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command

from tests.config.test_production import production_env, run

CHECK_PASSWORDS = r"""
import sys, django
django.setup()
from django.contrib.auth import get_user_model
admin = get_user_model().objects.get(username="admin")
print(admin.check_password("admin"), admin.check_password(sys.argv[1]))
"""


@pytest.mark.slow
def test_load_demo_refuses_production_and_with_the_flag_gives_a_random_password_once(tmp_path):
    env = production_env(tmp_path)
    assert run(env, "manage.py", "migrate", "--noinput").returncode == 0

    refused = run(env, "manage.py", "load_demo")
    assert refused.returncode != 0
    assert "DJANGO_ENV=production" in refused.stderr and "--allow-production" in refused.stderr
    assert "admin / admin" not in refused.stdout

    loaded = run(env, "manage.py", "load_demo", "--allow-production")
    assert loaded.returncode == 0, loaded.stderr
    password = re.search(r"login: admin / (\S+)\)", loaded.stdout).group(1)
    assert password != "admin" and len(password) >= 20
    assert "shown only now" in loaded.stdout

    checked = run(env, "-c", CHECK_PASSWORDS, password)
    assert checked.stdout.split() == ["False", "True"], checked.stderr

    again = run(env, "manage.py", "load_demo", "--allow-production")
    assert re.search(r"login: admin / (\S+)\)", again.stdout).group(1) != password


@pytest.mark.django_db
def test_outside_production_the_demo_keeps_the_documented_admin_login(django_user_model):
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert "login: admin / admin" in out.getvalue()
    assert django_user_model.objects.get(username="admin").check_password("admin")
