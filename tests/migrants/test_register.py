"""The migration register: journeys, companions, returns, a person's timeline, finding a
registered worker and the count of migrants away by destination state."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from core.models import AuditEvent
from migrants import selectors, services
from migrants.models import Companion, Migrant
from registration.models import Worker
from tests.migrants.factories import gujarat, journey, maharashtra
from tests.registration.factories import WorkerFactory, valid_aadhaar

pytestmark = pytest.mark.django_db


def test_journey_is_recorded_away_with_its_companions_and_children_flagged(personas,
                                                                           district_a):
    migrant = journey(actor=personas["officer_a"], district=district_a, companions=[
        {"name": "Sunita", "relation": "wife", "age": 29},
        {"name": "Radha", "relation": "daughter", "age": 12},
        {"name": "Shyam", "relation": "brother", "age": None},
    ])
    migrant.refresh_from_db()
    assert migrant.status == Migrant.Status.AWAY
    assert migrant.origin_district == district_a
    assert migrant.destination_state == maharashtra()
    assert [(c.name, c.is_child) for c in migrant.companions.all()] == [
        ("Sunita", False), ("Radha", True), ("Shyam", False)]
    assert AuditEvent.objects.filter(summary="journey recorded", district=district_a,
                                     actor=personas["officer_a"]).count() == 1


def test_journey_recorded_with_a_return_date_is_already_returned(personas, district_a):
    migrant = journey(actor=personas["officer_a"], district=district_a,
                      returned_on=date(2026, 3, 1))
    assert migrant.status == Migrant.Status.RETURNED


def test_seventeen_year_old_companion_is_a_child_and_eighteen_is_not(personas, district_a):
    migrant = journey(actor=personas["officer_a"], district=district_a, companions=[
        {"name": "Gopal", "relation": "son", "age": 17},
        {"name": "Geeta", "relation": "daughter", "age": 18}])
    assert [c.is_child for c in Companion.objects.filter(migrant=migrant)] == [True, False]


def test_return_recorded_marks_the_journey_returned(personas, district_a):
    migrant = journey(actor=personas["officer_a"], district=district_a)
    services.migrant_return_record(actor=personas["officer_a"], migrant_id=migrant.pk,
                                   returned_on=date(2026, 4, 2))
    migrant.refresh_from_db()
    assert migrant.status == Migrant.Status.RETURNED
    assert migrant.returned_on == date(2026, 4, 2)
    assert AuditEvent.objects.filter(summary="returned", district=district_a).count() == 1


def test_return_on_the_day_of_departure_is_accepted(personas, district_a):
    migrant = journey(actor=personas["officer_a"], district=district_a)
    services.migrant_return_record(actor=personas["officer_a"], migrant_id=migrant.pk,
                                   returned_on=date(2026, 1, 10))
    migrant.refresh_from_db()
    assert migrant.status == Migrant.Status.RETURNED


def test_return_before_departure_is_refused_and_changes_nothing(personas, district_a):
    migrant = journey(actor=personas["officer_a"], district=district_a)
    with pytest.raises(ValidationError) as error:
        services.migrant_return_record(actor=personas["officer_a"], migrant_id=migrant.pk,
                                       returned_on=date(2026, 1, 9))
    assert error.value.messages == ["The return cannot be before the departure (10/01/2026)."]
    migrant.refresh_from_db()
    assert migrant.status == Migrant.Status.AWAY
    assert migrant.returned_on is None
    assert not AuditEvent.objects.filter(summary="returned").exists()


def test_database_refuses_returned_status_without_a_return_date(personas, district_a):
    migrant = journey(actor=personas["officer_a"], district=district_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        Migrant.objects.filter(pk=migrant.pk).update(status=Migrant.Status.RETURNED)
    migrant.refresh_from_db()
    assert migrant.status == Migrant.Status.AWAY


def test_database_refuses_a_return_before_the_departure(personas, district_a):
    migrant = journey(actor=personas["officer_a"], district=district_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        Migrant.objects.filter(pk=migrant.pk).update(returned_on=date(2026, 1, 1),
                                                     status=Migrant.Status.RETURNED)
    migrant.refresh_from_db()
    assert migrant.returned_on is None


def test_timeline_of_a_registered_worker_lists_their_journeys_oldest_first(personas,
                                                                          district_a):
    officer = personas["officer_a"]
    ramesh, other = WorkerFactory(district=district_a), WorkerFactory(district=district_a)
    second = journey(actor=officer, district=district_a, worker=ramesh,
                     departed_on=date(2025, 10, 1), destination_place="Nagpur")
    first = journey(actor=officer, district=district_a, worker=ramesh,
                    departed_on=date(2024, 2, 1), returned_on=date(2024, 6, 1))
    journey(actor=officer, district=district_a, worker=other, departed_on=date(2025, 1, 1))
    timeline = selectors.migrant_timeline(user=officer, migrant=second)
    assert list(timeline) == [first, second]


def test_timeline_of_an_unregistered_person_follows_the_mobile(personas, district_a):
    officer = personas["officer_a"]
    first = journey(actor=officer, district=district_a, mobile="9811100001",
                    departed_on=date(2023, 11, 1))
    second = journey(actor=officer, district=district_a, mobile="9811100001",
                     departed_on=date(2025, 11, 1))
    journey(actor=officer, district=district_a, mobile="9811100002")
    assert list(selectors.migrant_timeline(user=officer, migrant=first)) == [first, second]


def test_timeline_without_worker_or_mobile_is_the_journey_alone(personas, district_a):
    officer = personas["officer_a"]
    alone = journey(actor=officer, district=district_a, mobile="")
    journey(actor=officer, district=district_a, mobile="")
    assert list(selectors.migrant_timeline(user=officer, migrant=alone)) == [alone]


def test_timeline_leaves_out_journeys_recorded_in_another_district(personas, district_a,
                                                                   district_b):
    mine = journey(actor=personas["officer_a"], district=district_a, mobile="9811100003")
    journey(actor=personas["officer_b"], district=district_b, mobile="9811100003")
    assert list(selectors.migrant_timeline(user=personas["officer_a"], migrant=mine)) == [mine]


def test_worker_found_by_mobile(personas, district_a):
    worker = WorkerFactory(district=district_a, mobile="9822200001")
    WorkerFactory(district=district_a, mobile="9822200002")
    assert selectors.worker_find(user=personas["officer_a"], mobile="9822200001") == worker


def test_worker_found_by_mobile_prefers_the_registered_record(personas, district_a):
    """A rejected earlier application (never registered) shares the mobile of the active one."""
    active = WorkerFactory(district=district_a, mobile="9822200003", status=Worker.Status.ACTIVE,
                           registration_number="CG-T-0000031", registered_on=date(2025, 5, 1))
    WorkerFactory(district=district_a, mobile="9822200003", status=Worker.Status.REJECTED)
    assert selectors.worker_find(user=personas["officer_a"], mobile="9822200003") == active


def test_worker_found_by_mobile_written_with_country_code(personas, district_a):
    worker = WorkerFactory(district=district_a, mobile="9822200004")
    found = selectors.worker_find(user=personas["officer_a"], mobile="+91 98222 00004")
    assert found == worker


def test_worker_found_by_registration_number_typed_in_lower_case(personas, district_a):
    worker = WorkerFactory(district=district_a, status=Worker.Status.ACTIVE,
                           registration_number="CG-T-0000042", registered_on=date(2025, 5, 1))
    found = selectors.worker_find(user=personas["officer_a"],
                                  registration_number=" cg-t-0000042 ")
    assert found == worker


def test_worker_found_by_aadhaar_through_its_hash(personas, district_a):
    number = valid_aadhaar()
    worker = WorkerFactory(district=district_a, aadhaar=number)
    WorkerFactory(district=district_a)
    assert number not in worker.aadhaar_hash
    assert selectors.worker_find(user=personas["officer_a"], aadhaar=number) == worker


def test_worker_found_by_aadhaar_written_in_groups_of_four(personas, district_a):
    number = valid_aadhaar()
    worker = WorkerFactory(district=district_a, aadhaar=number)
    grouped = f"{number[:4]} {number[4:8]} {number[8:]}"
    assert selectors.worker_find(user=personas["officer_a"], aadhaar=grouped) == worker


def test_worker_outside_the_users_districts_is_not_found(personas, district_b):
    number = valid_aadhaar()
    WorkerFactory(district=district_b, aadhaar=number, mobile="9822200005")
    officer = personas["officer_a"]
    assert selectors.worker_find(user=officer, aadhaar=number) is None
    assert selectors.worker_find(user=officer, mobile="9822200005") is None


def test_draft_registration_is_not_found(personas, district_a):
    WorkerFactory(district=district_a, mobile="9822200006", status=Worker.Status.DRAFT)
    assert selectors.worker_find(user=personas["officer_a"], mobile="9822200006") is None


def test_worker_find_with_nothing_to_look_for_finds_nobody(personas, district_a):
    WorkerFactory(district=district_a)
    assert selectors.worker_find(user=personas["officer_a"]) is None


def test_migrants_out_counts_those_away_per_destination_state(personas, district_a,
                                                              district_b):
    officer = personas["officer_a"]
    for _ in range(2):
        journey(actor=officer, district=district_a, destination_state=maharashtra())
    journey(actor=officer, district=district_a, destination_state=gujarat())
    journey(actor=officer, district=district_a, destination_state=maharashtra(),
            returned_on=date(2026, 2, 1))
    journey(actor=personas["officer_b"], district=district_b, destination_state=gujarat())
    journey(actor=personas["officer_b"], district=district_b, destination_state=gujarat())
    def counts(user):
        return [(row["destination_state__name_en"], row["n"])
                for row in selectors.migrants_out_by_state(user=user)]

    assert counts(officer) == [("Maharashtra", 2), ("Gujarat", 1)]
    assert counts(personas["state_admin"]) == [("Gujarat", 3), ("Maharashtra", 2)]
