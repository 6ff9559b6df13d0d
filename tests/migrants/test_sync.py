"""Offline survey sync: every entry carries the phone's own id, so a repeated, interrupted or
simultaneous sync records each journey once, and a bad entry never loses the good ones."""

import threading
import uuid

import pytest
from django.db import connection

from core.models import AuditEvent
from migrants import selectors, services
from migrants.models import Companion, Migrant
from tests.core.factories import BlockFactory, VillageFactory
from tests.migrants.factories import SurveyFactory, entry

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey(personas, district_a):
    return SurveyFactory(district=district_a, created_by=personas["officer_a"],
                         surveyors=[personas["officer_a"]])


def sync(personas, survey, entries):
    return services.survey_entries_sync(actor=personas["officer_a"], survey=survey,
                                        entries=entries)


def test_batch_records_one_journey_per_entry_in_the_surveys_district(personas, survey,
                                                                      district_a):
    entries = [entry(survey=survey, name=name) for name in ("Mohan", "Sohan", "Rohan")]
    results = sync(personas, survey, entries)
    assert [r["status"] for r in results] == ["recorded"] * 3
    assert [r["client_uuid"] for r in results] == [e["client_uuid"] for e in entries]
    for result, sent in zip(results, entries, strict=True):
        migrant = Migrant.objects.get(uuid=result["id"])
        assert str(migrant.client_uuid) == sent["client_uuid"]
        assert migrant.name == sent["data"]["name"]
        assert migrant.survey == survey
        assert migrant.origin_district == district_a
        assert migrant.created_by == personas["officer_a"]
        assert migrant.status == Migrant.Status.AWAY
    assert Migrant.objects.count() == 3


def test_entry_dates_are_read_day_first(personas, survey):
    result, = sync(personas, survey, [entry(survey=survey, departed_on="02/01/2026",
                                            returned_on="05/03/2026")])
    migrant = Migrant.objects.get(uuid=result["id"])
    assert (migrant.departed_on.isoformat(), migrant.returned_on.isoformat()) == (
        "2026-01-02", "2026-03-05")
    assert migrant.status == Migrant.Status.RETURNED


def test_repeating_a_batch_records_nothing_twice(personas, survey):
    entries = [entry(survey=survey, name="Mohan",
                     companions=[{"name": "Radha", "relation": "daughter", "age": 9}]),
               entry(survey=survey, name="Sohan")]
    first = sync(personas, survey, entries)
    again = sync(personas, survey, entries)
    assert [r["status"] for r in again] == ["already", "already"]
    assert [r["id"] for r in again] == [r["id"] for r in first]
    assert Migrant.objects.count() == 2
    assert Companion.objects.count() == 1
    assert AuditEvent.objects.filter(summary="journey recorded (survey)").count() == 2


def test_interrupted_sync_sent_again_whole_leaves_one_journey_per_entry(personas, survey):
    entries = [entry(survey=survey, name=f"Worker {n}") for n in range(6)]
    sync(personas, survey, entries[:3])  # the connection dropped here
    results = sync(personas, survey, entries)
    assert [r["status"] for r in results] == ["already"] * 3 + ["recorded"] * 3
    for sent in entries:
        assert Migrant.objects.filter(client_uuid=sent["client_uuid"]).count() == 1
    assert Migrant.objects.count() == 6


def _village_of_another_block(survey):
    return {"origin_village": str(VillageFactory(block=BlockFactory(district=survey.district)).pk)}


INVALID = {
    "missing name": (lambda s: {"name": ""}, "name", "This field is required."),
    "return before departure": (lambda s: {"departed_on": "10/01/2026",
                                           "returned_on": "09/01/2026"},
                                "returned_on", "The return cannot be before the departure."),
    "village not in the block": (_village_of_another_block, "origin_village",
                                 "This village is not in the chosen block."),
    "age 2": (lambda s: {"age": "2"}, "age", "Enter an age between 5 and 100 years."),
    "bad mobile": (lambda s: {"mobile": "12345"}, "mobile",
                   "Enter a 10-digit Indian mobile number starting with 6, 7, 8 or 9."),
}


@pytest.mark.parametrize("case", INVALID, ids=list(INVALID))
def test_invalid_entry_comes_back_with_its_error_and_the_valid_ones_are_recorded(
        personas, survey, case):
    make, field, message = INVALID[case]
    good_before, bad, good_after = (entry(survey=survey, name="Mohan"),
                                    entry(survey=survey, **make(survey)),
                                    entry(survey=survey, name="Sohan"))
    results = sync(personas, survey, [good_before, bad, good_after])
    assert [r["status"] for r in results] == ["recorded", "invalid", "recorded"]
    assert results[1]["client_uuid"] == bad["client_uuid"]
    assert [e["message"] for e in results[1]["errors"][field]] == [message]
    assert "id" not in results[1]
    assert not Migrant.objects.filter(client_uuid=bad["client_uuid"]).exists()
    assert sorted(Migrant.objects.values_list("name", flat=True)) == ["Mohan", "Sohan"]


def test_entry_without_its_id_is_refused_and_the_others_recorded(personas, survey):
    bad = entry(survey=survey, name="Nameless id")
    del bad["client_uuid"]
    results = sync(personas, survey, [bad, entry(survey=survey, name="Sohan")])
    assert results[0] == {"client_uuid": None, "status": "invalid", "errors": {
        "client_uuid": [{"message": "Missing entry id.", "code": "required"}]}}
    assert results[1]["status"] == "recorded"
    assert list(Migrant.objects.values_list("name", flat=True)) == ["Sohan"]


def test_entry_with_a_garbled_id_is_refused_and_the_others_recorded(personas, survey):
    bad = entry(survey=survey, name="Garbled id")
    bad["client_uuid"] = "not-a-uuid"
    good = entry(survey=survey, name="Sohan")
    results = sync(personas, survey, [bad, good])
    assert [r["status"] for r in results] == ["invalid", "recorded"]
    assert list(results[0]["errors"]) == ["client_uuid"]
    assert list(Migrant.objects.values_list("name", flat=True)) == ["Sohan"]


def test_entry_cannot_set_another_district(personas, survey, district_a, district_b):
    result, = sync(personas, survey, [entry(survey=survey, origin_district=str(district_b.pk),
                                            status="returned", worker="1")])
    migrant = Migrant.objects.get(uuid=result["id"])
    assert migrant.origin_district == district_a
    assert migrant.status == Migrant.Status.AWAY
    assert migrant.worker is None


def test_entry_with_a_block_of_another_district_is_refused(personas, survey, district_b):
    result, = sync(personas, survey, [entry(survey=survey,
                                            origin_block=str(BlockFactory(district=district_b).pk))])
    assert result["status"] == "invalid"
    assert list(result["errors"]) == ["origin_block"]
    assert not Migrant.objects.exists()


def test_companions_are_kept_with_children_flagged_and_nameless_ones_dropped(personas,
                                                                             survey):
    result, = sync(personas, survey, [entry(survey=survey, companions=[
        {"name": "Sita", "relation": "wife", "age": "30"},
        {"name": "Radha", "relation": "daughter", "age": 11},
        {"name": " ", "relation": "son", "age": 4},
        {"name": "Gopal", "relation": "son", "age": "four"}])])
    migrant = Migrant.objects.get(uuid=result["id"])
    assert [(c.name, c.age, c.is_child) for c in migrant.companions.all()] == [
        ("Sita", 30, False), ("Radha", 11, True), ("Gopal", None, False)]


def test_survey_list_counts_migrants_found_and_households(personas, survey, district_a):
    empty = SurveyFactory(district=district_a, created_by=personas["officer_a"])
    sync(personas, survey, [entry(survey=survey, household="H-1"),
                            entry(survey=survey, household="H-1"),
                            entry(survey=survey, household="H-2"),
                            entry(survey=survey, household=""),
                            entry(survey=survey, household="")])
    counts = {s.pk: (s.migrants_found, s.households)
              for s in selectors.survey_list(user=personas["officer_a"])}
    assert counts == {survey.pk: (5, 2), empty.pk: (0, 0)}


def test_survey_list_is_one_query(personas, survey, django_assert_max_num_queries):
    sync(personas, survey, [entry(survey=survey) for _ in range(3)])
    SurveyFactory(district=survey.district, created_by=personas["officer_a"])
    user = personas["officer_a"]
    user.role_codes, user.district_ids  # noqa: B018 - scoping's own look-ups, cached
    with django_assert_max_num_queries(1):
        assert len(list(selectors.survey_list(user=user))) == 2


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_phones_syncing_the_same_entry_at_once_record_one_journey(personas, district_a):
    survey = SurveyFactory(district=district_a, created_by=personas["officer_a"])
    same = entry(survey=survey, client_uuid=uuid.uuid4(),
                 companions=[{"name": "Radha", "relation": "daughter", "age": 9}])
    start = threading.Barrier(2)
    outcomes = []

    def push():
        start.wait()
        try:
            outcomes.append(sync(personas, survey, [same])[0])
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            outcomes.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=push) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(o["status"] for o in outcomes) == ["already", "recorded"], outcomes
    assert outcomes[0]["id"] == outcomes[1]["id"]
    assert Migrant.objects.filter(client_uuid=same["client_uuid"]).count() == 1
    assert Companion.objects.count() == 1


def test_unconfirmed_survey_sheets_are_deleted_after_a_day(settings, tmp_path):
    from datetime import timedelta

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from migrants.services import SURVEY_SHEET_DIR, survey_sheets_purge

    # A folder of this test's own: sheets other tests of this process uploaded stay out.
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path)}}}
    path = default_storage.save(f"{SURVEY_SHEET_DIR}/sheet.csv", ContentFile(b"name\nMohan\n"))
    assert survey_sheets_purge() == 0  # a fresh sheet may still be confirmed
    assert default_storage.exists(path)
    assert survey_sheets_purge(older_than=timedelta(seconds=-1)) == 1
    assert not default_storage.exists(path)
    # The job runs daily from beat.
    assert settings.CELERY_BEAT_SCHEDULE["migrants-sheet-purge"]["task"] == \
        "migrants.tasks.survey_sheets_purge_task"
