"""Shared fixtures: districts, one persona per role, and a login that passes the second factor."""

import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value

from core.roles import RoleCode as R
from core.sms import CapturingSMSBackend
from tests.core.factories import DistrictFactory, UserFactory

PASSWORD = "Correct-Horse-9"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@pytest.fixture(autouse=True)
def _clean_outbox():
    CapturingSMSBackend.outbox.clear()
    yield
    CapturingSMSBackend.outbox.clear()


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def district_a(db):
    return DistrictFactory(name_en="Raipur", code="RPR")


@pytest.fixture
def district_b(db):
    return DistrictFactory(name_en="Bilaspur", code="BSP")


def current_totp(secret: str = TOTP_SECRET) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def add_totp(user, secret: str = TOTP_SECRET):
    TOTP.activate(user, secret)
    return user


def mfa_login(client, user):
    """Log ``user`` in as if they had passed the password and the second factor."""
    client.force_login(user)
    session = client.session
    now = time.time()
    session["account_authentication_methods"] = [
        {"method": "password", "at": now, "username": user.username},
        {"method": "mfa", "at": now, "type": Authenticator.Type.TOTP},
    ]
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()
    return client


def make_personas(district_a, district_b) -> dict:
    """One user per role: officers and operators of district A and of district B."""
    return {
        "state_admin": UserFactory(username="stateadmin", roles=[R.STATE_ADMIN]),
        "district_admin_a": UserFactory(username="distadmin.a", roles=[R.DISTRICT_ADMIN],
                                        jurisdiction=[district_a]),
        "district_admin_b": UserFactory(username="distadmin.b", roles=[R.DISTRICT_ADMIN],
                                        jurisdiction=[district_b]),
        "officer_a": UserFactory(username="officer.a", roles=[R.LABOUR_OFFICER],
                                 jurisdiction=[district_a]),
        "officer_b": UserFactory(username="officer.b", roles=[R.LABOUR_OFFICER],
                                 jurisdiction=[district_b]),
        "inspector_a": UserFactory(username="inspector.a", roles=[R.SAFETY_INSPECTOR],
                                   jurisdiction=[district_a]),
        "csc_a": UserFactory(username="csc.a", roles=[R.CSC_OPERATOR],
                             home_district=district_a, operator_id="CSC-A-1"),
        "csc_b": UserFactory(username="csc.b", roles=[R.CSC_OPERATOR],
                             home_district=district_b, operator_id="CSC-B-1"),
        "helpline": UserFactory(username="helpline", roles=[R.HELPLINE_AGENT]),
        "maker": UserFactory(username="maker", roles=[R.ACCOUNTS_MAKER]),
        "checker": UserFactory(username="checker", roles=[R.ACCOUNTS_CHECKER]),
        "employer_a": UserFactory(username="employer.a", roles=[R.EMPLOYER]),
        "worker_a": UserFactory(username="m9876500001", mobile="9876500001",
                                roles=[R.WORKER]),
        "worker_b": UserFactory(username="m9876500002", mobile="9876500002",
                                roles=[R.WORKER]),
    }


@pytest.fixture
def personas(db, district_a, district_b):
    """One user per role (see make_personas), made for each test."""
    return make_personas(district_a, district_b)


@pytest.fixture
def login(client):
    """Return a function that logs a persona in (with the second factor where needed)."""

    def _login(user):
        client.logout()
        return mfa_login(client, user)

    return _login


def pytest_collection_modifyitems(items):
    """Mark tests that commit (transaction=True): make test runs them after the others.

    Such a test empties the tables when it ends (its data is restored when the next
    one starts), so no ordinary test may follow it in the same worker process.
    """
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker is not None and marker.kwargs.get("transaction"):
            item.add_marker(pytest.mark.transactional)
