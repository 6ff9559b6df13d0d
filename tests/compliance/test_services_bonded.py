"""Bonded labour services: rescue, case, hand-over, assistance, package, legal action.

Each service is driven as the district's labour officer would; refusals assert the
message and that nothing was saved.
"""

import itertools
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from compliance import services
from compliance.models import (
    BondedCase,
    CaseSequence,
    FollowUpVisit,
    Hearing,
    RehabComponent,
    RescueOperation,
)
from core.models import AuditEvent
from core.roles import RoleCode as R
from core.scoping import scoped
from tests.compliance.factories import BondedCaseFactory, RescueOperationFactory, days_ago
from tests.core.factories import DistrictFactory, StateFactory, UserFactory
from tests.welfare.factories import active_worker
from welfare.models import Application

pytestmark = pytest.mark.django_db
S = BondedCase.Stage
L = BondedCase.LegalStage
K = RehabComponent.Kind
ST = RehabComponent.Status
YEAR = timezone.localdate().year
OUTSIDE = "That district is outside your jurisdiction."
NOT_OFFICER = "Only a labour officer or an admin may keep these cases."
_numbers = itertools.count(1)


@pytest.fixture(autouse=True)
def _amounts(settings):
    settings.COMPLIANCE_ASSISTANCE_AMOUNT = 20000
    settings.COMPLIANCE_PACKAGE_AMOUNTS = {"general": 100000, "special": 200000,
                                           "extreme": 300000}
    settings.COMPLIANCE_VISIT_INTERVAL_DAYS = 60


def other_state():
    return StateFactory(lgd_code=9, code="UP", name_en="Uttar Pradesh", name_hi="उत्तर प्रदेश")


def operation_data(where, **overrides) -> dict:
    """A rescue in district ``where`` of this state."""
    return {"rescued_on": days_ago(5), "place": "Brick kiln, Dharsiwa",
            "state": where.state, "district": where,
            "agency": "District administration and police", **overrides}


def other_state_data(**overrides) -> dict:
    return {"rescued_on": days_ago(5), "place": "Brick kiln, Bhadohi", "state": other_state(),
            "district": None, "place_district_name": "Bhadohi", "agency": "UP police",
            **overrides}


def person(origin, **overrides) -> dict:
    """What the officer keys about one released person."""
    return {"name": "Budhram Dhruw", "relative_name": "Sukhram Dhruw", "gender": "male",
            "age": 34, "mobile": "9876512345", "origin_district": origin,
            "released_on": days_ago(5), "employer_name": "Kiln owner Ramesh",
            "work": "Brick kiln", "advance_amount": Decimal("20000"),
            "certificate_number": "RC/7/2026", "certificate_on": days_ago(4),
            "certificate_magistrate": "SDM Dharsiwa", **overrides}


def make_case(**fields) -> BondedCase:
    """A case made directly (numbered in a year the services never use)."""
    return BondedCaseFactory(number=f"BL-1999-{next(_numbers):05d}", **fields)


@pytest.fixture
def operation_a(personas, district_a):
    return RescueOperationFactory(district=district_a, created_by=personas["officer_a"])


@pytest.fixture
def case_a(personas, operation_a):
    """A person released in district A whose home is district A, awaiting assistance."""
    return make_case(operation=operation_a, created_by=personas["officer_a"])


@pytest.fixture
def district_c(db):
    return DistrictFactory(name_en="Durg", code="DRG")


@pytest.fixture
def officer_c(district_c):
    return UserFactory(username="officer.c", roles=[R.LABOUR_OFFICER], jurisdiction=[district_c])


def reloaded(case: BondedCase) -> BondedCase:
    return BondedCase.objects.get(pk=case.pk)


def assisted(case: BondedCase, officer) -> BondedCase:
    return services.bonded_assistance_record(actor=officer, case_id=case.pk,
                                             amount=Decimal("20000"),
                                             paid_on=case.released_on + timedelta(days=1))


# --- Rescue operations -----------------------------------------------------------------


def test_officer_records_a_rescue_in_a_district_of_their_jurisdiction(personas, district_a):
    operation = services.rescue_operation_create(actor=personas["officer_a"],
                                                 data=operation_data(district_a))
    assert (operation.district, operation.state.code, operation.created_by) == (
        district_a, "CG", personas["officer_a"])
    assert AuditEvent.objects.filter(object_id=str(operation.pk),
                                     summary="rescue operation recorded").exists()


def test_rescue_in_this_state_needs_its_district(personas, district_a):
    with pytest.raises(ValidationError) as error:
        services.rescue_operation_create(actor=personas["officer_a"],
                                         data=operation_data(district_a, district=None))
    assert error.value.message_dict == {"district": ["Choose the district of the rescue."]}
    assert not RescueOperation.objects.exists()


def test_officer_cannot_record_a_rescue_in_another_district(personas, district_b):
    with pytest.raises(ValidationError) as error:
        services.rescue_operation_create(actor=personas["officer_a"],
                                         data=operation_data(district_b))
    assert error.value.messages == [OUTSIDE]
    assert not RescueOperation.objects.exists()


def test_rescue_dated_in_the_future_is_refused(personas, district_a):
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        services.rescue_operation_create(actor=personas["officer_a"],
                                         data=operation_data(district_a, rescued_on=tomorrow))
    assert error.value.message_dict == {
        "rescued_on": ["The date of rescue cannot be in the future."]}
    assert not RescueOperation.objects.exists()


def test_home_district_officer_records_a_release_in_another_state(personas):
    operation = services.rescue_operation_create(actor=personas["officer_a"],
                                                 data=other_state_data())
    assert operation.district is None
    assert operation.place_display == "Brick kiln, Bhadohi, Bhadohi, Uttar Pradesh"


def test_release_in_another_state_needs_the_district_there(personas):
    with pytest.raises(ValidationError) as error:
        services.rescue_operation_create(actor=personas["officer_a"],
                                         data=other_state_data(place_district_name=""))
    assert error.value.message_dict == {
        "place_district_name": ["Name the district of the other state."]}
    assert not RescueOperation.objects.exists()


def test_district_of_another_state_is_refused_for_a_rescue_in_this_state(personas, district_a):
    elsewhere = DistrictFactory(state=other_state())
    with pytest.raises(ValidationError) as error:
        services.rescue_operation_create(actor=personas["state_admin"],
                                         data=operation_data(district_a, district=elsewhere))
    assert error.value.message_dict == {"district": ["That district is not in the state chosen."]}
    assert not RescueOperation.objects.exists()


# --- Cases -----------------------------------------------------------------------------


def test_cases_are_numbered_by_year_without_gaps(personas, district_a, operation_a):
    officer = personas["officer_a"]
    first = services.bonded_case_create(actor=officer, operation_id=operation_a.pk,
                                        data=person(district_a))
    with pytest.raises(ValidationError):
        services.bonded_case_create(actor=officer, operation_id=operation_a.pk, data=person(
            district_a, released_on=timezone.localdate() + timedelta(days=1)))
    second = services.bonded_case_create(actor=officer, operation_id=operation_a.pk,
                                         data=person(district_a, name="Mangli Bai"))
    assert [first.number, second.number] == [f"BL-{YEAR}-00001", f"BL-{YEAR}-00002"]
    assert CaseSequence.objects.get(kind="BL", year=YEAR).last_value == 2


def test_new_case_awaits_assistance_and_its_first_visit_is_due_after_the_interval(
        personas, district_a, operation_a):
    case = services.bonded_case_create(actor=personas["officer_a"],
                                       operation_id=operation_a.pk, data=person(district_a))
    assert (case.stage, case.legal_stage) == (S.AWAITING_ASSISTANCE, L.NONE)
    assert case.release_district == district_a
    assert case.next_visit_on == days_ago(5) + timedelta(days=60)


def test_release_date_defaults_to_the_day_of_the_rescue(personas, district_a, operation_a):
    case = services.bonded_case_create(actor=personas["officer_a"],
                                       operation_id=operation_a.pk,
                                       data=person(district_a, released_on=None,
                                                   certificate_on=None))
    assert case.released_on == operation_a.rescued_on


def test_release_district_officer_records_a_person_from_another_home_district(
        personas, district_a, district_b, operation_a):
    case = services.bonded_case_create(actor=personas["officer_a"],
                                       operation_id=operation_a.pk, data=person(district_b))
    assert (case.release_district, case.origin_district) == (district_a, district_b)
    assert case.is_released_elsewhere


def test_officer_of_another_district_cannot_add_a_case_to_an_operation(personas, district_b,
                                                                       operation_a):
    with pytest.raises(RescueOperation.DoesNotExist):
        services.bonded_case_create(actor=personas["officer_b"], operation_id=operation_a.pk,
                                    data=person(district_b))
    assert not BondedCase.objects.exists()
    assert not CaseSequence.objects.filter(last_value__gt=0).exists()


def test_home_district_officer_records_a_person_released_in_another_state(personas,
                                                                          district_a):
    officer = personas["officer_a"]
    operation = services.rescue_operation_create(actor=officer, data=other_state_data())
    case = services.bonded_case_create(actor=officer, operation_id=operation.pk,
                                       data=person(district_a))
    assert (case.origin_district, case.release_district) == (district_a, None)


def test_release_in_another_state_is_recorded_only_for_a_home_district_in_jurisdiction(
        personas, district_b):
    operation = services.rescue_operation_create(actor=personas["officer_a"],
                                                 data=other_state_data())
    with pytest.raises(ValidationError) as error:
        services.bonded_case_create(actor=personas["officer_a"], operation_id=operation.pk,
                                    data=person(district_b))
    assert error.value.messages == [OUTSIDE]
    assert not BondedCase.objects.exists()


def test_release_certificate_dated_before_the_release_is_refused(personas, district_a,
                                                                 operation_a):
    with pytest.raises(ValidationError) as error:
        services.bonded_case_create(actor=personas["officer_a"], operation_id=operation_a.pk,
                                    data=person(district_a, certificate_on=days_ago(6)))
    assert error.value.message_dict == {"certificate_on": [
        "The release certificate cannot be dated before the release."]}
    assert not BondedCase.objects.exists()


def test_release_dated_in_the_future_is_refused(personas, district_a, operation_a):
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        services.bonded_case_create(actor=personas["officer_a"], operation_id=operation_a.pk,
                                    data=person(district_a, released_on=tomorrow,
                                                certificate_on=None))
    assert error.value.message_dict == {
        "released_on": ["The date of release cannot be in the future."]}
    assert not BondedCase.objects.exists()


def test_home_district_is_not_changed_by_correcting_the_case(personas, district_b, case_a):
    with pytest.raises(ValidationError) as error:
        services.bonded_case_update(actor=personas["officer_a"], case_id=case_a.pk,
                                    data={"origin_district": district_b})
    assert error.value.message_dict == {
        "origin_district": ["The home district changes by handing the case over."]}
    assert reloaded(case_a).origin_district_id == case_a.origin_district_id


# --- Hand-over -------------------------------------------------------------------------


def test_hand_over_makes_the_new_district_the_home_and_records_from_and_when(
        personas, district_a, district_b, case_a):
    before = timezone.now()
    services.bonded_case_hand_over(actor=personas["officer_a"], case_id=case_a.pk,
                                   district=district_b)
    case = reloaded(case_a)
    assert (case.origin_district, case.handed_over_from) == (district_b, district_a)
    assert case.handed_over_at >= before
    assert case.release_district == district_a


def test_after_hand_over_release_and_new_home_districts_see_the_case_and_the_old_home_not(
        personas, district_a, district_b, district_c, officer_c, operation_a):
    # Released in A; first recorded as from B, then found to be from C.
    case = services.bonded_case_create(actor=personas["officer_a"],
                                       operation_id=operation_a.pk, data=person(district_b))
    services.bonded_case_hand_over(actor=personas["officer_b"], case_id=case.pk,
                                   district=district_c)
    seen = {name: scoped(user, BondedCase).filter(pk=case.pk).exists() for name, user in [
        ("release A", personas["officer_a"]), ("old home B", personas["officer_b"]),
        ("new home C", officer_c)]}
    assert seen == {"release A": True, "old home B": False, "new home C": True}


def test_hand_over_to_the_district_that_has_the_case_is_refused(personas, district_a,
                                                                case_a):
    with pytest.raises(ValidationError) as error:
        services.bonded_case_hand_over(actor=personas["officer_a"], case_id=case_a.pk,
                                       district=district_a)
    assert error.value.messages == ["The case is already with Raipur."]
    assert reloaded(case_a).handed_over_at is None


def test_hand_over_to_a_district_of_another_state_is_refused(personas, case_a):
    elsewhere = DistrictFactory(state=other_state())
    with pytest.raises(ValidationError) as error:
        services.bonded_case_hand_over(actor=personas["officer_a"], case_id=case_a.pk,
                                       district=elsewhere)
    assert error.value.messages == ["A case is handed over to a district of this state."]
    assert reloaded(case_a).handed_over_at is None


def test_hand_over_is_refused_while_assistance_is_asked_for_and_unpaid(
        personas, district_a, district_b, operation_a):
    worker = active_worker(district=district_a)
    case = make_case(operation=operation_a, worker=worker)
    services.bonded_assistance_request(actor=personas["officer_a"], case_id=case.pk)
    with pytest.raises(ValidationError) as error:
        services.bonded_case_hand_over(actor=personas["officer_a"], case_id=case.pk,
                                       district=district_b)
    assert error.value.messages == [
        "Immediate assistance has been asked for from this district; wait until it is paid "
        "before handing the case over."]
    case = reloaded(case)
    assert (case.origin_district, case.handed_over_at) == (district_a, None)


# --- Immediate assistance --------------------------------------------------------------


def test_recorded_assistance_moves_the_case_to_awaiting_the_package(personas, case_a):
    case = services.bonded_assistance_record(actor=personas["officer_a"], case_id=case_a.pk,
                                             amount=Decimal("20000"), paid_on=days_ago(2))
    case = reloaded(case)
    assert (case.assistance_amount, case.assistance_paid_on) == (Decimal("20000"),
                                                                 days_ago(2))
    assert case.stage == S.AWAITING_PACKAGE


def test_assistance_over_the_configured_amount_is_refused(personas, case_a):
    with pytest.raises(ValidationError) as error:
        services.bonded_assistance_record(actor=personas["officer_a"], case_id=case_a.pk,
                                          amount=Decimal("20001"), paid_on=days_ago(2))
    assert error.value.message_dict == {"amount": ["Immediate assistance is up to ₹20000."]}
    case = reloaded(case_a)
    assert (case.assistance_paid_on, case.stage) == (None, S.AWAITING_ASSISTANCE)


def test_assistance_paid_before_the_release_is_refused(personas, case_a):
    with pytest.raises(ValidationError) as error:
        services.bonded_assistance_record(
            actor=personas["officer_a"], case_id=case_a.pk, amount=Decimal("20000"),
            paid_on=case_a.released_on - timedelta(days=1))
    assert error.value.message_dict == {
        "paid_on": ["The payment date falls between the release and today."]}
    assert reloaded(case_a).assistance_paid_on is None


def test_assistance_is_recorded_only_once(personas, case_a):
    assisted(case_a, personas["officer_a"])
    paid_on = case_a.released_on + timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        services.bonded_assistance_record(actor=personas["officer_a"], case_id=case_a.pk,
                                          amount=Decimal("5000"), paid_on=days_ago(1))
    assert error.value.messages == [
        f"Immediate assistance was already paid on {paid_on:%d/%m/%Y}."]
    case = reloaded(case_a)
    assert (case.assistance_amount, case.assistance_paid_on) == (Decimal("20000"), paid_on)


def test_release_district_does_not_pay_assistance_for_another_home_district(
        personas, district_b, operation_a):
    case = make_case(operation=operation_a, origin_district=district_b)
    with pytest.raises(ValidationError) as error:
        services.bonded_assistance_record(actor=personas["officer_a"], case_id=case.pk,
                                          amount=Decimal("20000"), paid_on=days_ago(2))
    assert error.value.messages == [OUTSIDE]
    assert reloaded(case).assistance_paid_on is None


# --- Rehabilitation package ---------------------------------------------------------------


def save_component(officer, case, kind, amount, status=ST.PLANNED):
    return services.rehab_component_save(actor=officer, case_id=case.pk, kind=kind,
                                         amount=None if amount is None else Decimal(amount),
                                         status=status, status_on=days_ago(1))


def test_components_up_to_the_package_of_the_category_are_saved(personas, case_a):
    officer = personas["officer_a"]
    save_component(officer, case_a, K.CASH, 60000)
    save_component(officer, case_a, K.HOUSING, 40000)
    assert sorted(case_a.components.values_list("kind", "amount")) == [
        ("cash", Decimal("60000")), ("housing", Decimal("40000"))]


def test_component_beyond_the_package_of_the_category_is_refused(personas, case_a):
    officer = personas["officer_a"]
    save_component(officer, case_a, K.CASH, 60000)
    with pytest.raises(ValidationError) as error:
        save_component(officer, case_a, K.HOUSING, 40001)
    assert error.value.message_dict == {"amount": [
        "The package of this category is ₹100000; ₹60000.00 is already planned in other "
        "components."]}
    assert list(case_a.components.values_list("kind", flat=True)) == ["cash"]


def test_special_category_has_its_larger_package(personas, operation_a):
    case = make_case(operation=operation_a, category=BondedCase.Category.SPECIAL)
    save_component(personas["officer_a"], case, K.CASH, 200000)
    assert case.components.get().amount == Decimal("200000")


def test_changing_a_component_counts_only_the_other_components(personas, case_a):
    officer = personas["officer_a"]
    save_component(officer, case_a, K.CASH, 60000)
    save_component(officer, case_a, K.CASH, 100000)
    assert case_a.components.get().amount == Decimal("100000")


def test_package_moves_the_case_to_rehabilitating_then_rehabilitated(personas, case_a):
    officer = personas["officer_a"]
    assisted(case_a, officer)
    stages = []
    save_component(officer, case_a, K.CASH, 50000)
    stages.append(reloaded(case_a).stage)
    save_component(officer, case_a, K.SKILL, None, ST.IN_PROGRESS)
    save_component(officer, case_a, K.CASH, 50000, ST.DONE)
    stages.append(reloaded(case_a).stage)
    save_component(officer, case_a, K.SKILL, None, ST.DONE)
    stages.append(reloaded(case_a).stage)
    assert stages == [S.REHABILITATING, S.REHABILITATING, S.REHABILITATED]


def test_component_dated_in_the_future_is_refused(personas, case_a):
    with pytest.raises(ValidationError) as error:
        services.rehab_component_save(actor=personas["officer_a"], case_id=case_a.pk,
                                      kind=K.CASH, amount=Decimal("1000"), status=ST.PLANNED,
                                      status_on=timezone.localdate() + timedelta(days=1))
    assert error.value.message_dict == {"status_on": ["The date cannot be in the future."]}
    assert not RehabComponent.objects.exists()


# --- Legal action ----------------------------------------------------------------------


def save_legal(officer, case, **data):
    return services.bonded_legal_save(actor=officer, case_id=case.pk, data=data)


FIR = {"fir_number": "112/2026", "fir_on": days_ago(4), "fir_police_station": "Urla",
       "fir_sections": "BLSA 1976 s.16"}


def test_fir_number_needs_its_date_and_police_station(personas, case_a):
    with pytest.raises(ValidationError) as error:
        save_legal(personas["officer_a"], case_a, fir_number="112/2026")
    assert error.value.message_dict == {
        "fir_on": ["Give the FIR's date and police station with its number."]}
    assert reloaded(case_a).fir_number == ""


def test_charge_sheet_without_an_fir_is_refused(personas, case_a):
    with pytest.raises(ValidationError) as error:
        save_legal(personas["officer_a"], case_a, chargesheet_on=days_ago(1))
    assert error.value.message_dict == {
        "chargesheet_on": ["A charge sheet follows an FIR: record the FIR first."]}
    assert reloaded(case_a).chargesheet_on is None


def test_charge_sheet_dated_before_the_fir_is_refused(personas, case_a):
    with pytest.raises(ValidationError) as error:
        save_legal(personas["officer_a"], case_a, **FIR, chargesheet_on=days_ago(5))
    assert error.value.message_dict == {
        "chargesheet_on": ["The charge sheet cannot come before the FIR."]}
    case = reloaded(case_a)
    assert (case.fir_number, case.legal_stage) == ("", L.NONE)


def test_charge_sheet_dated_in_the_future_is_refused(personas, case_a):
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        save_legal(personas["officer_a"], case_a, **FIR, chargesheet_on=tomorrow)
    assert error.value.message_dict == {
        "chargesheet_on": ["The date of the charge sheet cannot be in the future."]}
    assert reloaded(case_a).chargesheet_on is None


def test_outcome_needs_the_court_case_number_and_the_date_of_judgment(personas, case_a):
    with pytest.raises(ValidationError) as error:
        save_legal(personas["officer_a"], case_a, **FIR, outcome="convicted",
                   outcome_on=days_ago(1))
    assert error.value.message_dict == {"outcome_on": [
        "An outcome needs the court case number and the date of judgment."]}
    assert reloaded(case_a).outcome == "pending"


def test_legal_stage_follows_what_the_officer_records(personas, case_a):
    officer = personas["officer_a"]
    stages = [save_legal(officer, case_a, **FIR).legal_stage,
              save_legal(officer, case_a, chargesheet_on=days_ago(2)).legal_stage,
              save_legal(officer, case_a, court_name="CJM Raipur",
                         court_case_number="CJM/45/2026").legal_stage,
              save_legal(officer, case_a, outcome="convicted", outcome_on=days_ago(1),
                         penalty="3 years").legal_stage]
    assert stages == [L.FIR, L.CHARGESHEET, L.TRIAL, L.DECIDED]
    assert reloaded(case_a).legal_stage == L.DECIDED


# --- Hearings and follow-up visits ---------------------------------------------------------


def test_hearing_is_recorded_with_the_next_date(personas, case_a):
    hearing = services.hearing_add(actor=personas["officer_a"], case=case_a,
                                   held_on=days_ago(1), next_on=days_ago(-20),
                                   notes="Witness examined")
    assert list(case_a.hearings.values_list("pk", "next_on")) == [(hearing.pk, days_ago(-20))]


def test_next_hearing_on_or_before_the_hearing_is_refused(personas, case_a):
    with pytest.raises(ValidationError) as error:
        services.hearing_add(actor=personas["officer_a"], case=case_a, held_on=days_ago(1),
                             next_on=days_ago(1), notes="")
    assert error.value.messages == ["The next hearing must come after this one."]
    assert not Hearing.objects.exists()


def test_hearing_in_the_future_is_refused(personas, case_a):
    with pytest.raises(ValidationError) as error:
        services.hearing_add(actor=personas["officer_a"], case=case_a, held_on=days_ago(-1),
                             next_on=None, notes="")
    assert error.value.messages == ["A hearing cannot be recorded before it is held."]
    assert not Hearing.objects.exists()


def test_officer_of_another_district_cannot_add_a_hearing(personas, case_a):
    with pytest.raises(BondedCase.DoesNotExist):
        services.hearing_add(actor=personas["officer_b"], case=case_a, held_on=days_ago(1),
                             next_on=None, notes="")
    assert not Hearing.objects.exists()


def test_visit_sets_the_next_visit_an_interval_after_it(personas, case_a):
    services.visit_record(actor=personas["officer_a"], case=case_a, visited_on=days_ago(2),
                          findings="Working on own land; children in school.")
    assert reloaded(case_a).next_visit_on == days_ago(2) + timedelta(days=60)


def test_earlier_visit_recorded_late_keeps_the_next_visit_after_the_latest(personas, case_a):
    officer = personas["officer_a"]
    services.visit_record(actor=officer, case=case_a, visited_on=days_ago(2), findings="Well")
    services.visit_record(actor=officer, case=case_a, visited_on=days_ago(6), findings="Well")
    assert reloaded(case_a).next_visit_on == days_ago(2) + timedelta(days=60)


def test_visit_before_the_release_is_refused(personas, case_a):
    with pytest.raises(ValidationError) as error:
        services.visit_record(actor=personas["officer_a"], case=case_a,
                              visited_on=case_a.released_on - timedelta(days=1), findings="")
    assert error.value.messages == ["A follow-up visit comes after the rescue."]
    assert reloaded(case_a).next_visit_on == case_a.next_visit_on


def test_officer_of_another_district_cannot_record_a_visit(personas, case_a):
    with pytest.raises(BondedCase.DoesNotExist):
        services.visit_record(actor=personas["officer_b"], case=case_a,
                              visited_on=days_ago(1), findings="")
    assert not FollowUpVisit.objects.exists()


# --- The district admin reads but does not write --------------------------------------


def _component(case):
    RehabComponent.objects.create(case=case, kind=K.CASH, amount=Decimal("1000"),
                                  status=ST.PLANNED, status_on=days_ago(1))
    return case


WRITES = {
    "rescue_operation_create": lambda actor, case: services.rescue_operation_create(
        actor=actor, data=operation_data(case.origin_district)),
    "bonded_case_create": lambda actor, case: services.bonded_case_create(
        actor=actor, operation_id=case.operation_id, data=person(case.origin_district)),
    "bonded_case_update": lambda actor, case: services.bonded_case_update(
        actor=actor, case_id=case.pk, data={"name": "Changed"}),
    "bonded_case_hand_over": lambda actor, case: services.bonded_case_hand_over(
        actor=actor, case_id=case.pk, district=DistrictFactory()),
    "bonded_case_worker_link": lambda actor, case: services.bonded_case_worker_link(
        actor=actor, case_id=case.pk,
        registration_number=active_worker(district=case.origin_district).registration_number),
    "bonded_case_worker_start": lambda actor, case: services.bonded_case_worker_start(
        actor=actor, case_id=case.pk),
    "bonded_assistance_record": lambda actor, case: services.bonded_assistance_record(
        actor=actor, case_id=case.pk, amount=Decimal("1000"), paid_on=days_ago(1)),
    "bonded_assistance_request": lambda actor, case: services.bonded_assistance_request(
        actor=actor, case_id=case.pk),
    "rehab_component_save": lambda actor, case: services.rehab_component_save(
        actor=actor, case_id=case.pk, kind=K.LAND, amount=None, status=ST.PLANNED,
        status_on=days_ago(1)),
    "rehab_component_payment_request": lambda actor, case:
        services.rehab_component_payment_request(actor=actor, case_id=_component(case).pk,
                                                 kind=K.CASH),
    "bonded_legal_save": lambda actor, case: services.bonded_legal_save(
        actor=actor, case_id=case.pk, data=FIR),
    "hearing_add": lambda actor, case: services.hearing_add(
        actor=actor, case=case, held_on=days_ago(1), next_on=None, notes=""),
    "visit_record": lambda actor, case: services.visit_record(
        actor=actor, case=case, visited_on=days_ago(1), findings="Fine"),
}


def snapshot(case: BondedCase) -> tuple:
    case = reloaded(case)
    return (case.updated_at, case.worker_id, case.origin_district_id, case.fir_number,
            RescueOperation.objects.count(), BondedCase.objects.count(),
            Hearing.objects.count(), FollowUpVisit.objects.count(),
            RehabComponent.objects.exclude(kind=K.CASH).count(), Application.objects.count())


@pytest.mark.parametrize("write", WRITES)
def test_district_admin_is_refused_every_write(personas, operation_a, write):
    worker = active_worker(district=operation_a.district)
    case = make_case(operation=operation_a, worker=worker if "request" in write else None)
    before = snapshot(case)
    with pytest.raises(ValidationError) as error:
        WRITES[write](personas["district_admin_a"], case)
    assert error.value.messages == [NOT_OFFICER]
    assert snapshot(case) == before
