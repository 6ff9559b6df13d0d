"""Profiles: production refuses development secrets and passes check --deploy cleanly."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REAL = {
    "SECRET_KEY": "x" * 20 + "-real-secret-for-the-deploy-check-0123456789abcdef",
    "FIELD_ENCRYPTION_KEYS": "cmVhbC1maWVsZC1rZXktZm9yLWRlcGxveS1jaGVjayE=",
    "AADHAAR_HASH_KEY": "real-aadhaar-hash-key-for-the-check",
    "AUDIT_CHAIN_KEY": "real-audit-chain-key-for-the-check",
    "ALLOWED_HOSTS": "shram.example",
}


def run_manage(*args, **env):
    full_env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    full_env.update(env)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=full_env,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("missing", ["SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "AADHAAR_HASH_KEY",
                                     "AUDIT_CHAIN_KEY"])
def test_production_refuses_to_start_without_each_secret(missing):
    env = {**REAL, "DJANGO_ENV": "production"}
    env.pop(missing)
    result = run_manage("check", **env)
    assert result.returncode != 0
    assert missing in result.stderr


def test_production_refuses_the_development_secret_key():
    env = {**REAL, "DJANGO_ENV": "production",
           "SECRET_KEY": "dev-only-insecure-secret-key-do-not-use-in-production"}
    result = run_manage("check", **env)
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


@pytest.mark.parametrize("simulator", ["WELFARE_BANK_SIMULATOR", "COMPLIANCE_GATEWAY_SIMULATOR"])
def test_production_refuses_a_simulated_bank_or_payment_gateway(simulator):
    # Money recorded by a simulator never arrived: production will not start with one on.
    result = run_manage("check", DJANGO_ENV="production", **{**REAL, simulator: "true"})
    assert result.returncode != 0 and simulator in result.stderr


def test_check_deploy_is_clean_under_production():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING",
                        DJANGO_ENV="production", **REAL)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_an_unknown_profile_is_refused():
    result = run_manage("check", DJANGO_ENV="staging")
    assert result.returncode != 0 and "DJANGO_ENV" in result.stderr
