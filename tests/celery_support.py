"""A real Celery worker for the tests that need one: a Redis database of the test's own,
the test database, and a worker process started and stopped around the test."""

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from django.db import connection

from labourportal.celery import app

ROOT = Path(__file__).resolve().parents[1]


def redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


def worker_database_url() -> str:
    params = connection.settings_dict
    host = params["HOST"] or "127.0.0.1"
    port = f":{params['PORT']}" if params["PORT"] else ""
    return f"postgres://{params['USER']}@{quote(host, safe='')}{port}/{params['NAME']}"


def reset_broker_pools():
    """Drop Celery's cached connections so a changed broker_url takes effect."""
    from kombu import pools

    app.pool.force_close_all()
    app._pool = None
    app.amqp._producer_pool = None
    # kombu keeps producer pools per connection process-wide; eager tasks after this
    # test still take a producer from there (for the serializer).
    pools.reset()


@contextmanager
def real_broker(redis_url: str) -> Iterator[None]:
    """Send tasks to ``redis_url`` (flushed first) instead of running them eagerly."""
    import redis

    old = (app.conf.broker_url, app.conf.task_always_eager)
    reset_broker_pools()
    app.conf.broker_url = redis_url
    app.conf.task_always_eager = False
    redis.Redis.from_url(redis_url).flushdb()
    try:
        yield
    finally:
        app.conf.broker_url, app.conf.task_always_eager = old
        reset_broker_pools()


@contextmanager
def worker_process(redis_url: str) -> Iterator[Callable[[], str]]:
    """Run a worker process on the test database; yield a function giving its output."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "labourportal.settings.test",
           "DATABASE_URL": worker_database_url(), "REDIS_URL": redis_url}
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "labourportal", "worker", "--pool=solo",
         "--without-mingle", "--without-gossip", "--loglevel=WARNING"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output: list[str] = []
    try:
        yield lambda: "".join(output)
    finally:
        worker.terminate()
        output.append(worker.communicate(timeout=30)[0])


def wait_for(condition: Callable[[], bool], seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.3)
    return False
