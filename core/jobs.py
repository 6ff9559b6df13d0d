"""Background job handlers: a kind name -> a function that does the work of a Job.

A handler takes the Job, reports progress with ``core.services.job_progress``
and returns a JSON-able result. It must be safe to run twice (the task is
acknowledged late, so a lost worker means a second delivery).
"""

from __future__ import annotations

from collections.abc import Callable

_handlers: dict[str, Callable] = {}


def job_handler(kind: str):
    """Register the decorated function as the handler of jobs of ``kind``."""

    def decorator(func):
        _handlers[kind] = func
        return func

    return decorator


def handler_for(kind: str) -> Callable:
    return _handlers[kind]


class JobContinues:
    """Returned by a handler that handed its work to other tasks (chunks run in parallel).

    The job stays running; the task that finishes the last part calls
    ``core.services.job_finish`` (or ``job_fail``).
    """
