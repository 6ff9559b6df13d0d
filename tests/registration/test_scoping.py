"""Who sees which workers, labour cards and documents (core.scoping with registration's rules)."""

import pytest

from core.roles import RoleCode as R
from core.scoping import scoped
from registration.models import LabourCard, Worker, WorkerDocument
from tests.core.factories import UserFactory
from tests.registration.factories import WorkerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def workers(personas, district_a, district_b):
    """Three workers: two in Raipur (A), one in Bilaspur (B), keyed by a label."""
    made = {
        # Registered by A's CSC operator for the worker who logs in as worker_a.
        "a_by_csc": WorkerFactory(district=district_a, registered_by=personas["csc_a"],
                                  owner=personas["worker_a"], channel=Worker.Channel.CSC,
                                  photo=False),
        # Registered by A's officer at the office; nobody logs in for it.
        "a_by_officer": WorkerFactory(district=district_a, registered_by=personas["officer_a"],
                                      photo=False),
        "b_by_csc": WorkerFactory(district=district_b, registered_by=personas["csc_b"],
                                  owner=personas["worker_b"], channel=Worker.Channel.CSC,
                                  photo=False),
    }
    for worker in made.values():
        LabourCard.objects.create(worker=worker, version=1)
        WorkerDocument.objects.create(
            worker=worker, kind=WorkerDocument.Kind.ID_PROOF, file="registration/x.pdf",
            original_name="x.pdf", content_type="application/pdf", size=10, sha256="0" * 64,
            uploaded_by=worker.registered_by)
    return made


VISIBILITY = {
    "state_admin": {"a_by_csc", "a_by_officer", "b_by_csc"},
    "district_admin_a": {"a_by_csc", "a_by_officer"},
    "district_admin_b": {"b_by_csc"},
    "officer_a": {"a_by_csc", "a_by_officer"},
    "officer_b": {"b_by_csc"},
    "csc_a": {"a_by_csc"},
    "csc_b": {"b_by_csc"},
    "worker_a": {"a_by_csc"},
    "worker_b": {"b_by_csc"},
    "inspector_a": set(),
    "helpline": set(),
    "maker": set(),
    "employer_a": set(),
}

WORKER_OF = {
    Worker: lambda row: row,
    LabourCard: lambda row: row.worker,
    WorkerDocument: lambda row: row.worker,
}


def visible(user, model, workers) -> set[str]:
    label_of = {worker.pk: label for label, worker in workers.items()}
    rows = scoped(user, model)
    if model is not Worker:
        rows = rows.select_related("worker")
    return {label_of[WORKER_OF[model](row).pk] for row in rows}


@pytest.mark.parametrize("model", [Worker, LabourCard, WorkerDocument],
                         ids=["workers", "cards", "documents"])
@pytest.mark.parametrize("persona,expected", VISIBILITY.items())
def test_each_role_sees_only_the_registrations_in_its_scope(personas, workers, persona,
                                                            expected, model):
    if persona == "helpline" and model is Worker:
        # The helpline finds any caller's registration by mobile (not their cards or files).
        expected = VISIBILITY["state_admin"]
    assert visible(personas[persona], model, workers) == expected


def test_an_officer_of_district_a_does_not_see_a_worker_of_district_b(personas, workers):
    assert not scoped(personas["officer_a"], Worker).filter(pk=workers["b_by_csc"].pk).exists()


def test_a_csc_operator_does_not_see_a_worker_of_their_district_registered_by_others(
        personas, workers):
    csc = personas["csc_a"]
    assert not scoped(csc, Worker).filter(pk=workers["a_by_officer"].pk).exists()


def test_a_csc_operator_sees_a_worker_they_registered_in_another_district(personas, workers,
                                                                          district_b):
    elsewhere = WorkerFactory(district=district_b, registered_by=personas["csc_a"], photo=False)
    assert scoped(personas["csc_a"], Worker).filter(pk=elsewhere.pk).exists()


def test_a_worker_login_sees_every_profile_it_manages_and_no_other(personas, workers,
                                                                   district_a):
    second = WorkerFactory(district=district_a, owner=personas["worker_a"], photo=False)
    assert set(scoped(personas["worker_a"], Worker)) == {workers["a_by_csc"], second}


def test_an_officer_of_two_districts_sees_the_workers_of_both(workers, district_a, district_b):
    officer = UserFactory(roles=[R.LABOUR_OFFICER], jurisdiction=[district_a, district_b])
    assert scoped(officer, Worker).count() == 3


def test_an_inactive_officer_sees_no_workers(personas, workers):
    officer = personas["officer_a"]
    officer.is_active = False
    assert not scoped(officer, Worker).exists()


def test_scoping_a_queryset_keeps_its_filter(personas, workers, district_a):
    WorkerFactory(district=district_a, status=Worker.Status.DRAFT, photo=False)
    drafts = scoped(personas["officer_a"], Worker.objects.filter(status=Worker.Status.DRAFT))
    assert drafts.count() == 1
