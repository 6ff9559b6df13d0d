"""Bank account and Aadhaar numbers through a whole payment cycle.

A worker with a sentinel Aadhaar number and a sentinel bank account is paid under a
scheme, with one failed attempt and a correction in between; afterwards the account
number is in clear only in the payment files (never in a table, an SMS or a log line)
and the Aadhaar number nowhere at all.
"""

import logging

import pytest

from core.sms import CapturingSMSBackend
from tests.registration.factories import valid_aadhaar
from tests.security.test_aadhaar_never_in_clear import all_rows_containing
from tests.welfare.factories import active_worker, application_at, education_scheme
from welfare import bankfiles, services
from welfare.models import Application

pytestmark = pytest.mark.django_db

ACCOUNT = "987650001234"
CORRECTED = "987650005678"


def _pay(personas, batch_fail: bool, captured) -> bytes:
    with captured(execute=True):
        batch = services.payment_batch_create(actor=personas["maker"])
    with captured(execute=True):
        services.payment_batch_approve(actor=personas["checker"], batch_id=batch.pk)
    batch.refresh_from_db()
    with batch.file.open("rb") as handle:
        content = handle.read()
    with captured(execute=True):
        services.bank_simulation_run(actor=personas["checker"], batch_id=batch.pk,
                                     failure_rate=1.0 if batch_fail else 0.0)
    return content


def test_bank_account_is_in_clear_only_in_the_payment_file_and_aadhaar_nowhere(
        personas, district_a, caplog, django_capture_on_commit_callbacks):
    caplog.set_level(logging.DEBUG)
    edu_scheme = education_scheme()
    aadhaar = valid_aadhaar(seed=777001)
    worker = active_worker(district=district_a, aadhaar=aadhaar, account=ACCOUNT)
    application = application_at("sanctioned", worker=worker, scheme=edu_scheme,
                                 officer=personas["officer_a"])
    first_file = _pay(personas, True, django_capture_on_commit_callbacks)
    application.refresh_from_db()
    assert application.status == Application.Status.PAYMENT_FAILED
    services.application_payment_retry(actor=personas["officer_a"],
                                       application_id=application.pk,
                                       reason="Account corrected", account_number=CORRECTED)
    second_file = _pay(personas, False, django_capture_on_commit_callbacks)
    application.refresh_from_db()
    assert application.status == Application.Status.PAID

    # The files carry the accounts the bank needs, with correct control totals.
    assert ACCOUNT in first_file.decode() and CORRECTED in second_file.decode()
    assert not bankfiles.payment_file_check(first_file)
    assert not bankfiles.payment_file_check(second_file)
    for number in (ACCOUNT, CORRECTED, aadhaar):
        assert all_rows_containing(number) == {}, number
        assert not [m for m in CapturingSMSBackend.outbox if number in m.text], number
        assert number not in caplog.text, number
    assert aadhaar not in first_file.decode() + second_file.decode()
