"""docker-compose.yml must be right even where no Docker engine runs: parse and check it."""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
MAKEFILE = (ROOT / "Makefile").read_text()
SERVICES = COMPOSE["services"]


def command(name: str) -> str:
    return " ".join(SERVICES[name]["command"])


def test_the_real_stack_has_every_service():
    assert set(SERVICES) == {"postgres", "redis", "migrate", "web", "worker", "beat"}


def test_databases_and_web_have_health_checks():
    for name in ("postgres", "redis", "web", "worker"):
        assert SERVICES[name]["healthcheck"]["test"], name


def test_web_waits_for_migrate_which_waits_for_healthy_services():
    assert SERVICES["web"]["depends_on"]["migrate"]["condition"] == \
        "service_completed_successfully"
    assert SERVICES["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert SERVICES["migrate"]["depends_on"]["redis"]["condition"] == "service_healthy"


def test_web_runs_gunicorn_with_sync_workers_as_the_makefile_does():
    web = command("web")
    assert "--worker-class sync" in web
    make_web = re.search(r"^web:\n\t(.+)$", MAKEFILE, re.M).group(1)
    assert "gunicorn labourportal.wsgi:application --bind 0.0.0.0:8000 --workers 2 " \
           "--worker-class sync" in make_web
    assert "gunicorn labourportal.wsgi:application --bind 0.0.0.0:8000 --workers 2 " \
           "--worker-class sync" == web


def test_worker_runs_the_same_celery_command_as_the_makefile():
    make_worker = re.search(r"^worker:\n\t(.+)$", MAKEFILE, re.M).group(1)
    assert command("worker").replace("python ", "") in make_worker


def test_every_app_service_runs_the_production_profile_with_real_secrets():
    for name in ("migrate", "web", "worker", "beat"):
        env = SERVICES[name]["environment"]
        assert env["DJANGO_ENV"] == "production"
        for secret in ("SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "AADHAAR_HASH_KEY",
                       "AUDIT_CHAIN_KEY"):
            assert env[secret].startswith("${") and ":?" in env[secret], secret
        assert env["DATABASE_URL"].startswith("postgres://")
        assert env["REDIS_URL"].startswith("redis://")


def test_migrate_is_a_one_off_and_beat_is_separate():
    assert "migrate" in command("migrate")
    assert SERVICES["migrate"]["restart"] == "no"
    assert " beat " in f" {command('beat')} "
