import os
import subprocess
import sys

SNIPPET = "import django; django.setup(); print('ok')"


def _run(env_extra):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "FIELD_ENCRYPTION_KEY", "FIELD_HASH_KEY"}
    }
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings.production", **env_extra})
    return subprocess.run(
        [sys.executable, "-c", SNIPPET], env=env, capture_output=True, text=True, timeout=60
    )


def test_production_refuses_to_start_without_secrets():
    result = _run({})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_starts_with_secrets():
    result = _run(
        {
            "SECRET_KEY": "x" * 50,
            "FIELD_ENCRYPTION_KEY": "dGVzdC1vbmx5LWZpZWxkLWVuY3J5cHRpb24ta2V5LTE=",
            "FIELD_HASH_KEY": "k",
        }
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
