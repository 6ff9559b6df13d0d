"""Fixtures of welfare: the demo-like schemes and workers of district A (and B)."""

import pytest

from tests.welfare.factories import (
    active_worker,
    education_scheme,
    marriage_scheme,
    maternity_scheme,
)


@pytest.fixture
def edu_scheme(db):
    return education_scheme()


@pytest.fixture
def mat_scheme(db):
    return maternity_scheme()


@pytest.fixture
def mar_scheme(db):
    return marriage_scheme()


@pytest.fixture
def worker_a(personas, district_a):
    """An active construction worker of district A whose own login is persona worker_a."""
    return active_worker(district=district_a, owner=personas["worker_a"])


@pytest.fixture
def worker_b(personas, district_b):
    """An active construction worker of district B (registered by an officer)."""
    return active_worker(district=district_b, gender="male")
