"""Production settings pass Django's deployment checks."""

import os
import subprocess
import sys

from django.conf import settings


def _environment(**overrides) -> dict:
    """This process's environment, less what the browser tests set for themselves."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return {**env, **overrides}


def test_check_deploy_is_clean_with_production_settings():
    env = _environment(
        **{
            "DEBUG": "false",
            "SECRET_KEY": "a-long-random-production-key-" + "x7Qp2Lm9Vz4Rt8Wn3Ks6Jd1Hf5Gb0Yc",
            "ALLOWED_HOSTS": "edu.zibo.gov.cn",
            "ZIBO_HTTPS": "true",
        }
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_demo_key_is_flagged_by_check_deploy():
    env = _environment(DEBUG="false", ZIBO_HTTPS="true", SECRET_KEY="")
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    assert "security.W009" in result.stdout + result.stderr
