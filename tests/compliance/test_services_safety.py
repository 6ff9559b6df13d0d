"""Factory safety services: factories, inspection reports and the employer's compliance,
accidents (and the fatal alert), safety committees and training workshops.

Refusals assert the message and that nothing was saved.
"""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from compliance import selectors_safety, services
from compliance.models import (
    Accident,
    CommitteeMeeting,
    CommitteeMember,
    Factory,
    Inspection,
    SelfCertification,
    Workshop,
    WorkshopAttendance,
)
from core.roles import RoleCode as R
from core.sms import CapturingSMSBackend
from employers.models import Establishment
from tests.compliance.factories_safety import (
    FactoryFactory,
    InspectionFactory,
    SelfCertificationFactory,
    WorkshopFactory,
)
from tests.core.factories import UserFactory
from tests.employers.factories import EstablishmentFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
OUTSIDE = "That district is outside your jurisdiction."
NOT_INSPECTOR = "Only a safety inspector may do this."


def days_ago(days: int):
    return TODAY - timedelta(days=days)


@pytest.fixture
def factory(personas, district_a) -> Factory:
    """Employer A's engineering factory of 120 workers in district A (risk 30, medium)."""
    establishment = EstablishmentFactory(owner=personas["employer_a"], district=district_a,
                                         sector="engineering")
    made = FactoryFactory(establishment=establishment, workers_employed=120)
    return services.factory_risk_refresh(factory_id=made.pk)


@pytest.fixture
def inspection(factory, personas) -> Inspection:
    return InspectionFactory(factory=factory, inspector=personas["inspector_a"])


def report(inspection, *, actor, **changes) -> Inspection:
    values = {"inspected_on": days_ago(1), "checklist": {"fire": True, "ppe": True},
              "violations": "", "directions": "", "compliance_due_on": None}
    values.update(changes)
    return services.inspection_report_save(actor=actor, inspection_id=inspection.pk, **values)


def report_violation(inspection, *, actor, **changes) -> Inspection:
    values = {"checklist": {"fire": False, "ppe": True},
              "violations": "Fire exit blocked by stores",
              "directions": "Clear the fire exit and train the fire squad.",
              "compliance_due_on": TODAY + timedelta(days=30)}
    values.update(changes)
    return report(inspection, actor=actor, **values)


def refused(call) -> dict:
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value.message_dict


# --- Factories ------------------------------------------------------------------------------


def test_registering_a_factory_computes_its_risk(personas, district_a):
    establishment = EstablishmentFactory(owner=personas["employer_a"], district=district_a,
                                         sector="chemicals")
    factory = services.factory_register(
        actor=personas["employer_a"], establishment_id=establishment.pk,
        data={"licence_number": "FL/CG/99999", "licence_valid_until": TODAY + timedelta(365),
              "workers_employed": 600, "is_hazardous": True})
    assert (factory.district, factory.risk_score, factory.risk_category) == (
        district_a, 40 + 30 + 20, "high")


def test_a_shop_cannot_be_registered_as_a_factory(personas, district_a):
    shop = EstablishmentFactory(owner=personas["employer_a"], district=district_a,
                                kind=Establishment.Kind.SHOP)
    with pytest.raises(ValidationError) as caught:
        services.factory_register(
            actor=personas["employer_a"], establishment_id=shop.pk,
            data={"licence_number": "FL/CG/99998", "licence_valid_until": TODAY,
                  "workers_employed": 10})
    assert caught.value.messages == [
        "Only an establishment of type factory has a factory licence."]
    assert not Factory.objects.exists()


def test_a_licence_number_already_registered_is_refused(personas, district_a, factory):
    other = EstablishmentFactory(owner=personas["employer_a"], district=district_a)
    errors = refused(lambda: services.factory_register(
        actor=personas["employer_a"], establishment_id=other.pk,
        data={"licence_number": factory.licence_number, "licence_valid_until": TODAY,
              "workers_employed": 10}))
    assert errors == {"licence_number": [
        "A factory with this licence number is already registered."]}
    assert Factory.objects.count() == 1


def test_updating_a_factory_to_a_hazardous_process_raises_its_risk(personas, factory):
    updated = services.factory_update(actor=personas["inspector_a"], factory_id=factory.pk,
                                      data={"is_hazardous": True})
    assert (updated.risk_score, updated.risk_category) == (60, "high")


# --- Inspections: opening and reporting -------------------------------------------------------


def test_an_inspection_for_a_complaint_is_assigned_to_the_inspector_who_opens_it(
        personas, factory):
    inspection = services.inspection_create(actor=personas["inspector_a"],
                                            factory_id=factory.pk,
                                            reason=Inspection.Reason.COMPLAINT)
    assert (inspection.inspector, inspection.month, inspection.status) == (
        personas["inspector_a"], TODAY.replace(day=1), Inspection.Status.PLANNED)


def test_a_routine_inspection_cannot_be_opened_by_hand(personas, factory):
    with pytest.raises(ValidationError) as caught:
        services.inspection_create(actor=personas["inspector_a"], factory_id=factory.pk,
                                   reason=Inspection.Reason.ROTA)
    assert caught.value.messages == ["Routine inspections come from the monthly plan."]
    assert not Inspection.objects.exists()


def test_a_clean_report_closes_the_inspection_with_nothing_to_comply_with(personas,
                                                                          inspection):
    done = report(inspection, actor=personas["inspector_a"])
    assert (done.status, done.inspected_on, done.compliance, done.compliance_due_on) == (
        Inspection.Status.DONE, days_ago(1), Inspection.Compliance.NONE, None)
    assert done.checklist == {"fire": True, "ppe": True}


def test_unknown_checklist_items_are_dropped(personas, inspection):
    done = report(inspection, actor=personas["inspector_a"],
                  checklist={"fire": True, "made_up": False})
    assert done.checklist == {"fire": True}
    assert done.compliance == Inspection.Compliance.NONE


def test_a_report_with_violations_awaits_compliance_and_raises_the_risk(personas, factory,
                                                                      inspection):
    done = report_violation(inspection, actor=personas["inspector_a"])
    factory.refresh_from_db()
    assert (done.compliance, done.compliance_due_on) == (Inspection.Compliance.PENDING,
                                                         TODAY + timedelta(days=30))
    assert factory.risk_score == 40


def test_a_report_dated_in_the_future_is_refused(personas, inspection):
    errors = refused(lambda: report(inspection, actor=personas["inspector_a"],
                                    inspected_on=TODAY + timedelta(days=1)))
    assert errors == {"inspected_on": ["The inspection date cannot be in the future."]}
    inspection.refresh_from_db()
    assert (inspection.status, inspection.inspected_on) == (Inspection.Status.PLANNED, None)


def test_a_violation_without_a_date_to_comply_by_is_refused(personas, inspection):
    errors = refused(lambda: report_violation(inspection, actor=personas["inspector_a"],
                                              compliance_due_on=None))
    assert errors == {"compliance_due_on": [
        "Violations were found: give the date to comply by."]}
    inspection.refresh_from_db()
    assert inspection.status == Inspection.Status.PLANNED


def test_a_violation_without_directions_is_refused(personas, inspection):
    errors = refused(lambda: report_violation(inspection, actor=personas["inspector_a"],
                                              directions="  "))
    assert errors == {"directions": [
        "Violations were found: write the directions to the employer."]}
    inspection.refresh_from_db()
    assert inspection.status == Inspection.Status.PLANNED


def test_violations_written_without_a_failed_checklist_item_still_need_directions(
        personas, inspection):
    errors = refused(lambda: report(inspection, actor=personas["inspector_a"],
                                    violations="No first-aid box in the paint shop"))
    assert set(errors) == {"compliance_due_on", "directions"}


def test_a_date_to_comply_by_before_the_inspection_is_refused(personas, inspection):
    errors = refused(lambda: report_violation(inspection, actor=personas["inspector_a"],
                                              compliance_due_on=days_ago(1)))
    assert errors == {"compliance_due_on": [
        "The date to comply by comes after the inspection."]}


def test_an_inspector_of_another_district_cannot_report_on_the_inspection(district_b,
                                                                        inspection):
    inspector_b = UserFactory(roles=[R.SAFETY_INSPECTOR], jurisdiction=[district_b])
    with pytest.raises(Inspection.DoesNotExist):
        report(inspection, actor=inspector_b)
    inspection.refresh_from_db()
    assert inspection.status == Inspection.Status.PLANNED


def test_a_labour_officer_cannot_report_an_inspection(personas, inspection):
    with pytest.raises(ValidationError) as caught:
        report(inspection, actor=personas["officer_a"])
    assert caught.value.messages == [NOT_INSPECTOR]


def test_a_false_certification_revokes_the_valid_self_certification(personas, factory,
                                                                    inspection):
    certification = SelfCertificationFactory(establishment=factory.establishment)
    services.factory_risk_refresh(factory_id=factory.pk)
    done = report_violation(inspection, actor=personas["inspector_a"],
                            is_false_certification=True)
    certification.refresh_from_db()
    factory.refresh_from_db()
    assert done.is_false_certification
    assert certification.status == SelfCertification.Status.REVOKED
    assert certification.revoked_by_inspection == done
    assert certification.revoked_at is not None
    assert days_ago(1).strftime("%d/%m/%Y") in certification.revoked_reason
    # The certifier's ten points back are gone, and the violation adds ten.
    assert factory.risk_score == 30 + 10


def test_a_false_certification_without_a_valid_one_is_refused(personas, factory,
                                                              inspection):
    SelfCertificationFactory(establishment=factory.establishment,
                             status=SelfCertification.Status.REVOKED,
                             revoked_at=timezone.now())
    errors = refused(lambda: report_violation(inspection, actor=personas["inspector_a"],
                                              is_false_certification=True))
    assert errors == {"is_false_certification": [
        "This establishment holds no valid self-certification."]}
    inspection.refresh_from_db()
    assert (inspection.status, inspection.is_false_certification) == (
        Inspection.Status.PLANNED, False)


# --- The employer's compliance and its review -------------------------------------------------


@pytest.fixture
def pending(personas, inspection) -> Inspection:
    return report_violation(inspection, actor=personas["inspector_a"])


def submit(inspection, actor, note="Exit cleared; fire squad trained on 12/11.", **kwargs):
    return services.inspection_compliance_submit(actor=actor, inspection_id=inspection.pk,
                                                 note=note, **kwargs)


def review(inspection, actor, is_accepted, note=""):
    return services.inspection_compliance_review(actor=actor, inspection_id=inspection.pk,
                                                 is_accepted=is_accepted, note=note)


def test_the_employer_submits_compliance_with_proof(personas, pending):
    proof = SimpleUploadedFile("proof.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")
    done = submit(pending, personas["employer_a"], upload=proof)
    assert done.compliance == Inspection.Compliance.SUBMITTED
    assert done.compliance_submitted_at is not None
    assert done.compliance_file.name.endswith(".pdf")


def test_compliance_without_a_note_is_refused(personas, pending):
    errors = refused(lambda: submit(pending, personas["employer_a"], note=" "))
    assert errors == {"compliance_note": ["Describe what was done."]}
    pending.refresh_from_db()
    assert pending.compliance == Inspection.Compliance.PENDING


def test_compliance_on_an_inspection_without_violations_is_refused(personas, inspection):
    report(inspection, actor=personas["inspector_a"])
    with pytest.raises(ValidationError) as caught:
        submit(inspection, personas["employer_a"])
    assert caught.value.messages == ["There is no compliance awaited on this inspection."]


def test_the_employer_of_another_factory_cannot_submit_compliance(pending):
    stranger = UserFactory(roles=[R.EMPLOYER])
    FactoryFactory(establishment=EstablishmentFactory(owner=stranger))
    with pytest.raises(Inspection.DoesNotExist):
        submit(pending, stranger)
    pending.refresh_from_db()
    assert (pending.compliance, pending.compliance_note) == (Inspection.Compliance.PENDING, "")


def test_accepted_compliance_closes_the_violation_and_lowers_the_risk(personas, factory,
                                                                      pending):
    submit(pending, personas["employer_a"])
    done = review(pending, personas["inspector_a"], True)
    factory.refresh_from_db()
    assert done.compliance == Inspection.Compliance.ACCEPTED
    assert factory.risk_score == 30


def test_compliance_sent_back_awaits_the_employer_again_with_the_note(personas, pending):
    submit(pending, personas["employer_a"])
    done = review(pending, personas["inspector_a"], False, note="Photos of the exit missing.")
    assert done.compliance == Inspection.Compliance.PENDING
    assert done.directions.endswith("Photos of the exit missing.")


def test_compliance_sent_back_without_a_note_is_refused(personas, pending):
    submit(pending, personas["employer_a"])
    errors = refused(lambda: review(pending, personas["inspector_a"], False))
    assert errors == {"note": ["Say what is still missing."]}
    pending.refresh_from_db()
    assert pending.compliance == Inspection.Compliance.SUBMITTED


def test_a_review_before_the_employer_submits_is_refused(personas, pending):
    with pytest.raises(ValidationError) as caught:
        review(pending, personas["inspector_a"], True)
    assert caught.value.messages == ["No compliance report is waiting for review."]


def test_the_employer_cannot_review_their_own_compliance(personas, pending):
    submit(pending, personas["employer_a"])
    with pytest.raises(ValidationError) as caught:
        review(pending, personas["employer_a"], True)
    assert caught.value.messages == [NOT_INSPECTOR]
    pending.refresh_from_db()
    assert pending.compliance == Inspection.Compliance.SUBMITTED


# --- Accidents ------------------------------------------------------------------------------


def accident_data(**changes) -> dict:
    data = {"occurred_at": timezone.now() - timedelta(hours=3), "place": "Boiler house",
            "severity": Accident.Severity.FATAL, "persons_killed": 2, "persons_injured": 3,
            "cause": "Boiler explosion"}
    data.update(changes)
    return data


@pytest.fixture
def mobiles(personas) -> dict[str, str]:
    """Give the district officials (and some outsiders) mobile numbers."""
    numbers = {"inspector_a": "9800000001", "officer_a": "9800000002",
               "district_admin_a": "9800000003", "officer_b": "9800000004",
               "state_admin": "9800000005", "csc_a": "9800000006"}
    for name, mobile in numbers.items():
        personas[name].mobile = mobile
        personas[name].save(update_fields=["mobile"])
    return numbers


def test_a_fatal_accident_alerts_the_districts_officials_by_email_and_sms_after_commit(
        personas, factory, mobiles, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.accident_report(actor=personas["employer_a"], factory_id=factory.pk,
                                 data=accident_data())
    district_a_officials = ("inspector_a", "officer_a", "district_admin_a")
    assert len(mailoutbox) == 1
    assert sorted(mailoutbox[0].to) == sorted(personas[name].email
                                              for name in district_a_officials)
    assert factory.establishment.name in mailoutbox[0].subject
    assert sorted(sms.mobile for sms in CapturingSMSBackend.outbox) == sorted(
        mobiles[name] for name in district_a_officials)
    assert all("FATAL" in sms.text and "2 dead" in sms.text
               for sms in CapturingSMSBackend.outbox)


def test_the_fatal_alert_is_not_sent_before_the_commit(personas, factory, mobiles,
                                                       mailoutbox,
                                                       django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.accident_report(actor=personas["inspector_a"], factory_id=factory.pk,
                                 data=accident_data())
    assert callbacks
    assert (mailoutbox, CapturingSMSBackend.outbox) == ([], [])


def test_a_serious_accident_alerts_nobody(personas, factory, mobiles, mailoutbox,
                                          django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.accident_report(actor=personas["employer_a"], factory_id=factory.pk,
                                 data=accident_data(severity=Accident.Severity.SERIOUS,
                                                    persons_killed=0))
    assert (mailoutbox, CapturingSMSBackend.outbox) == ([], [])
    assert Accident.objects.count() == 1


def test_an_accident_raises_the_factorys_risk(personas, factory):
    services.accident_report(actor=personas["employer_a"], factory_id=factory.pk,
                             data=accident_data())
    factory.refresh_from_db()
    assert (factory.risk_score, factory.risk_category) == (55, "medium")


def test_a_fatal_accident_without_deaths_is_refused(personas, factory):
    errors = refused(lambda: services.accident_report(
        actor=personas["employer_a"], factory_id=factory.pk,
        data=accident_data(persons_killed=0)))
    assert errors == {"persons_killed": [
        "A fatal accident: give the number of persons killed."]}
    assert not Accident.objects.exists()


def test_deaths_in_an_accident_not_marked_fatal_are_refused(personas, factory):
    errors = refused(lambda: services.accident_report(
        actor=personas["employer_a"], factory_id=factory.pk,
        data=accident_data(severity=Accident.Severity.SERIOUS)))
    assert errors == {"severity": ["Persons were killed: the accident is fatal."]}
    assert not Accident.objects.exists()


def test_an_accident_in_the_future_is_refused(personas, factory):
    errors = refused(lambda: services.accident_report(
        actor=personas["employer_a"], factory_id=factory.pk,
        data=accident_data(occurred_at=timezone.now() + timedelta(hours=2))))
    assert errors == {"occurred_at": ["The accident cannot be in the future."]}
    assert not Accident.objects.exists()


def test_another_employer_cannot_report_an_accident_at_the_factory(factory):
    stranger = UserFactory(roles=[R.EMPLOYER])
    with pytest.raises(Factory.DoesNotExist):
        services.accident_report(actor=stranger, factory_id=factory.pk, data=accident_data())
    assert not Accident.objects.exists()


def test_an_investigation_before_the_accident_is_refused(personas, factory):
    accident = services.accident_report(
        actor=personas["employer_a"], factory_id=factory.pk,
        data=accident_data(occurred_at=timezone.now() - timedelta(days=3)))
    errors = refused(lambda: services.accident_investigation_save(
        actor=personas["inspector_a"], accident_id=accident.pk, investigated_on=days_ago(5),
        report="Safety valve jammed"))
    assert errors == {"investigated_on": [
        "The investigation falls between the accident and today."]}
    accident.refresh_from_db()
    assert accident.investigated_on is None


def test_the_inspector_records_the_investigation(personas, factory):
    accident = services.accident_report(
        actor=personas["employer_a"], factory_id=factory.pk,
        data=accident_data(occurred_at=timezone.now() - timedelta(days=3)))
    done = services.accident_investigation_save(
        actor=personas["inspector_a"], accident_id=accident.pk, investigated_on=days_ago(1),
        report="Safety valve jammed")
    assert (done.investigated_on, done.investigated_by) == (days_ago(1),
                                                            personas["inspector_a"])


# --- Safety committees ------------------------------------------------------------------------


def member(factory, side, name="Member"):
    return CommitteeMember.objects.create(factory=factory, name=name, side=side,
                                          joined_on=days_ago(400))


def meeting(factory, held_on, recorded_by):
    return CommitteeMeeting.objects.create(factory=factory, held_on=held_on,
                                           minutes="minutes.pdf", recorded_by=recorded_by)


def minutes_file():
    return SimpleUploadedFile("minutes.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")


def test_a_meeting_before_the_committee_has_members_is_refused(personas, factory):
    with pytest.raises(ValidationError) as caught:
        services.committee_meeting_add(actor=personas["employer_a"], factory_id=factory.pk,
                                       held_on=days_ago(2), minutes=minutes_file())
    assert caught.value.messages == ["Add the committee's members before its meetings."]
    assert not CommitteeMeeting.objects.exists()


def test_a_meeting_in_the_future_is_refused(personas, factory):
    member(factory, CommitteeMember.Side.WORKERS)
    errors = refused(lambda: services.committee_meeting_add(
        actor=personas["employer_a"], factory_id=factory.pk,
        held_on=TODAY + timedelta(days=1), minutes=minutes_file()))
    assert errors == {"held_on": ["The meeting cannot be in the future."]}
    assert not CommitteeMeeting.objects.exists()


def test_the_employer_adds_members_then_records_a_meeting(personas, factory):
    for side in CommitteeMember.Side.values:
        services.committee_member_add(actor=personas["employer_a"], factory_id=factory.pk,
                                      data={"name": f"{side} rep", "side": side,
                                            "joined_on": days_ago(30)})
    held = services.committee_meeting_add(actor=personas["employer_a"],
                                          factory_id=factory.pk, held_on=days_ago(2),
                                          minutes=minutes_file())
    assert (factory.committee_members.count(), held.recorded_by) == (
        2, personas["employer_a"])


@pytest.fixture
def hazardous(personas, district_a, district_b) -> dict[str, Factory]:
    """Factories of district A (and one of B) in each state of their safety committee."""
    def make(label, *, district=district_a, is_hazardous=True):
        return FactoryFactory(establishment=EstablishmentFactory(district=district,
                                                                 name=label),
                              is_hazardous=is_hazardous)

    recorder = personas["inspector_a"]
    factories = {label: make(label) for label in (
        "no committee", "unequal sides", "no recent meeting", "never met", "balanced",
        "met 92 days ago")}
    factories["not hazardous"] = make("not hazardous", is_hazardous=False)
    factories["district B"] = make("district B", district=district_b)
    for label, factory in factories.items():
        if label == "no committee" or label == "not hazardous":
            continue
        member(factory, "management")
        member(factory, "workers")
    member(factories["unequal sides"], "management", "Second manager")
    meeting(factories["unequal sides"], days_ago(10), recorder)
    meeting(factories["no recent meeting"], days_ago(93), recorder)
    meeting(factories["balanced"], days_ago(10), recorder)
    meeting(factories["balanced"], days_ago(200), recorder)
    meeting(factories["met 92 days ago"], days_ago(92), recorder)
    meeting(factories["district B"], days_ago(300), recorder)
    return factories


def test_committees_missing_lists_hazardous_factories_without_a_proper_committee(
        personas, hazardous):
    listed = {factory.establishment.name for factory in
              selectors_safety.committees_missing(user=personas["inspector_a"], today=TODAY)}
    assert listed == {"no committee", "unequal sides", "no recent meeting", "never met"}


def test_committees_missing_of_the_state_admin_covers_every_district(personas, hazardous):
    listed = {factory.establishment.name for factory in
              selectors_safety.committees_missing(user=personas["state_admin"], today=TODAY)}
    assert listed == {"no committee", "unequal sides", "no recent meeting", "never met",
                      "district B"}


# --- Training workshops ---------------------------------------------------------------------


def test_an_inspector_records_a_workshop_of_their_district(personas, district_a):
    workshop = services.workshop_save(actor=personas["inspector_a"], data={
        "district": district_a, "held_on": days_ago(3), "topic": "Chemical handling",
        "trainer": "DISH", "venue": "Urla"})
    assert (workshop.district, workshop.created_by) == (district_a, personas["inspector_a"])


def test_an_inspector_cannot_record_a_state_level_workshop(personas):
    errors = refused(lambda: services.workshop_save(actor=personas["inspector_a"], data={
        "district": None, "held_on": days_ago(3), "topic": "Fire", "trainer": "DISH"}))
    assert errors == {"district": ["Choose the district of the workshop."]}
    assert not Workshop.objects.exists()


def test_an_inspector_cannot_record_a_workshop_of_another_district(personas, district_b):
    with pytest.raises(ValidationError) as caught:
        services.workshop_save(actor=personas["inspector_a"], data={
            "district": district_b, "held_on": days_ago(3), "topic": "Fire",
            "trainer": "DISH"})
    assert caught.value.messages == [OUTSIDE]
    assert not Workshop.objects.exists()


def test_attendance_from_a_factory_of_another_district_is_refused(personas, district_a,
                                                                  district_b):
    workshop = WorkshopFactory(district=district_a)
    elsewhere = FactoryFactory(establishment=EstablishmentFactory(district=district_b))
    errors = refused(lambda: services.workshop_attendance_record(
        actor=personas["state_admin"], workshop_id=workshop.pk, factory_id=elsewhere.pk,
        attendees=4))
    assert errors == {"factory": ["That factory is not in the workshop's district."]}
    assert not WorkshopAttendance.objects.exists()


def test_an_inspector_cannot_even_find_a_factory_of_another_district(personas, district_a,
                                                                      district_b):
    workshop = WorkshopFactory(district=district_a)
    elsewhere = FactoryFactory(establishment=EstablishmentFactory(district=district_b))
    with pytest.raises(Factory.DoesNotExist):
        services.workshop_attendance_record(actor=personas["inspector_a"],
                                            workshop_id=workshop.pk,
                                            factory_id=elsewhere.pk, attendees=4)
    assert not WorkshopAttendance.objects.exists()


def test_no_attendees_is_refused(personas, district_a, factory):
    workshop = WorkshopFactory(district=district_a)
    errors = refused(lambda: services.workshop_attendance_record(
        actor=personas["inspector_a"], workshop_id=workshop.pk, factory_id=factory.pk,
        attendees=0))
    assert errors == {"attendees": ["Give the number who attended."]}
    assert not WorkshopAttendance.objects.exists()


def test_recording_attendance_again_corrects_it(personas, district_a, factory):
    workshop = WorkshopFactory(district=district_a)
    for attendees in (4, 6):
        services.workshop_attendance_record(actor=personas["inspector_a"],
                                            workshop_id=workshop.pk, factory_id=factory.pk,
                                            attendees=attendees)
    assert list(WorkshopAttendance.objects.values_list("attendees", flat=True)) == [6]


def test_attendance_is_totalled_per_district(personas, district_a, district_b):
    a1, a2 = (FactoryFactory(establishment=EstablishmentFactory(district=district_a))
              for _ in range(2))
    b1 = FactoryFactory(establishment=EstablishmentFactory(district=district_b))
    first, second = WorkshopFactory(district=district_a), WorkshopFactory(district=district_a)
    state_level, in_b = WorkshopFactory(district=None), WorkshopFactory(district=district_b)
    admin = personas["state_admin"]
    for workshop, factory, attendees in [(first, a1, 5), (second, a1, 3), (first, a2, 2),
                                         (state_level, b1, 7), (in_b, b1, 1)]:
        services.workshop_attendance_record(actor=admin, workshop_id=workshop.pk,
                                            factory_id=factory.pk, attendees=attendees)
    totals = {row["factory__district__name_en"]: (row["attendees"], row["factories"])
              for row in selectors_safety.attendance_by_district(user=admin)}
    assert totals == {"Raipur": (10, 2), "Bilaspur": (8, 1)}
    mine = selectors_safety.attendance_by_district(user=personas["inspector_a"])
    assert [(row["factory__district__name_en"], row["attendees"]) for row in mine] == [
        ("Raipur", 10)]
