"""Beat jobs of compliance: the follow-up visits mail and the payments sync.

The visits mail goes to each district's labour officers with case numbers only: a
child's name never leaves the portal by email.
"""

import itertools
import os
import subprocess
import sys
from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import timezone

from compliance import services
from compliance.models import BondedCase
from compliance.tasks import case_payments_sync_task, visits_due_notify_task
from core.roles import RoleCode as R
from tests.compliance.factories import (
    BondedCaseFactory,
    ChildCaseFactory,
    RescueOperationFactory,
)
from tests.core.factories import DistrictFactory, UserFactory
from tests.welfare.factories import active_worker
from welfare.models import Application

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
CHILD_NAME = "Sonu Kumar"
ADULT_NAME = "Budhram Dhruw"
_numbers = itertools.count(1)


def bonded_case(district, *, due_in: int, **fields) -> BondedCase:
    return BondedCaseFactory(number=f"BL-1999-{next(_numbers):05d}",
                             operation=RescueOperationFactory(district=district),
                             name=ADULT_NAME, next_visit_on=TODAY + timedelta(days=due_in),
                             **fields)


def child_case(district, *, due_in: int):
    return ChildCaseFactory(number=f"CL-1999-{next(_numbers):05d}", district=district,
                            name=CHILD_NAME, next_visit_on=TODAY + timedelta(days=due_in))


@pytest.fixture
def due(personas, district_a, district_b) -> dict:
    """Visits due in A (one bonded, one child), in B (one child), and one not yet due in A."""
    return {
        "A": [bonded_case(district_a, due_in=-3).number, child_case(district_a, due_in=0).number],
        "B": [child_case(district_b, due_in=-1).number],
        "later": bonded_case(district_a, due_in=1).number,
    }


def mails_to(outbox) -> dict[str, object]:
    return {",".join(message.to): message for message in outbox}


def test_each_districts_officers_get_one_mail_with_their_due_case_numbers(due, mailoutbox):
    services.visits_due_notify(on=TODAY)
    mails = mails_to(mailoutbox)
    assert set(mails) == {"officer.a@example.test", "officer.b@example.test"}
    body_a = mails["officer.a@example.test"].body
    assert all(number in body_a for number in due["A"])
    assert due["B"][0] not in body_a and due["later"] not in body_a
    assert mails["officer.a@example.test"].subject == "Follow-up visits due: 2"


def test_visits_mail_carries_no_name(due, mailoutbox):
    services.visits_due_notify(on=TODAY)
    assert len(mailoutbox) == 2
    for message in mailoutbox:
        text = message.subject + message.body
        assert CHILD_NAME not in text and ADULT_NAME not in text
        assert "Sonu" not in text


def test_visits_mail_reports_what_it_found_and_sent(due, district_a, mailoutbox):
    child_case(DistrictFactory(), due_in=-5)  # a district without an officer: no mail
    result = services.visits_due_notify(on=TODAY)
    assert result == {"districts": 3, "emails": 2, "cases": 4}
    assert len(mailoutbox) == 2


def test_every_active_officer_of_the_district_is_on_the_mail_and_no_one_else(
        personas, district_a, due, mailoutbox):
    UserFactory(username="officer.a2", roles=[R.LABOUR_OFFICER], jurisdiction=[district_a])
    UserFactory(username="officer.gone", roles=[R.LABOUR_OFFICER], jurisdiction=[district_a],
                is_active=False)
    services.visits_due_notify(on=TODAY)
    recipients = sorted(",".join(message.to) for message in mailoutbox)
    assert recipients == ["officer.a2@example.test,officer.a@example.test",
                          "officer.b@example.test"]


def test_nothing_due_sends_nothing(personas, district_a, mailoutbox):
    bonded_case(district_a, due_in=5)
    assert services.visits_due_notify(on=TODAY) == {"districts": 0, "emails": 0, "cases": 0}
    assert mailoutbox == []


def test_visits_task_sends_the_mail(due, mailoutbox):
    visits_due_notify_task.delay()
    assert len(mailoutbox) == 2


def test_payments_sync_task_copies_a_paid_request_into_its_case(personas, district_a):
    case = bonded_case(district_a, due_in=30, worker=active_worker(district=district_a))
    payment = services.bonded_assistance_request(actor=personas["officer_a"],
                                                 case_id=case.pk).assistance_payment
    Application.objects.filter(pk=payment.pk).update(status=Application.Status.PAID,
                                                     paid_on=TODAY, utr="UTR000001")
    case_payments_sync_task.delay()
    case.refresh_from_db()
    assert (case.assistance_paid_on, case.stage) == (TODAY, BondedCase.Stage.AWAITING_PACKAGE)
    assert case.assistance_amount == Decimal(settings.COMPLIANCE_ASSISTANCE_AMOUNT)


def test_beat_runs_the_payments_sync_and_the_visits_mail():
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"compliance.tasks.case_payments_sync_task",
            "compliance.tasks.visits_due_notify_task"} <= tasks


def test_beat_tasks_are_registered_with_celery():
    # In a fresh process, as a worker starts: only autodiscovery can register them there
    # (this module's own import of compliance.tasks would hide a missing registration).
    code = ("from labourportal.celery import app; app.loader.import_default_modules(); "
            "print('\\n'.join(sorted(app.tasks)))")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "labourportal.settings.test"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env=env, check=True, timeout=60)
    assert {"compliance.tasks.case_payments_sync_task",
            "compliance.tasks.visits_due_notify_task"} <= set(result.stdout.split())
