"""Child labour services: surveys with the CWC, rescued children, order, placement, school.

A child's record is written only by the district's labour officer (and the state
admin); refusals assert the message and that nothing was saved.
"""

import itertools
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from compliance import services
from compliance.models import CaseSequence, ChildCase, ChildSurvey, FollowUpVisit, Hearing
from tests.compliance.factories import ChildCaseFactory, ChildSurveyFactory, days_ago

pytestmark = pytest.mark.django_db
C = ChildCase.Stage
YEAR = timezone.localdate().year
OUTSIDE = "That district is outside your jurisdiction."
NOT_OFFICER = "Only a labour officer or an admin may keep these cases."
_numbers = itertools.count(1)


@pytest.fixture(autouse=True)
def _interval(settings):
    settings.COMPLIANCE_VISIT_INTERVAL_DAYS = 60


def survey_data(district, **overrides) -> dict:
    return {"district": district, "area": "Station road market", "starts_on": days_ago(6),
            "ends_on": days_ago(4), "team": "Labour inspector, AHTU, Childline",
            "cwc_members": "CWC chairperson", **overrides}


def child_data(district, **overrides) -> dict:
    return {"district": district, "rescued_on": days_ago(10), "name": "Sonu Kumar",
            "gender": "male", "age": 13, "age_proof": ChildCase.AgeProof.SCHOOL_RECORD,
            "guardian_name": "Ramesh Kumar", "establishment_name": "Sharma Dhaba",
            "employer_name": "Vinod Sharma", "work": "Washing dishes", **overrides}


def make_case(**fields) -> ChildCase:
    """A case made directly (numbered in a year the services never use)."""
    return ChildCaseFactory(number=f"CL-1999-{next(_numbers):05d}", **fields)


@pytest.fixture
def case_a(personas, district_a):
    """A child rescued in district A ten days ago, awaiting the CWC order."""
    return make_case(district=district_a, rescued_on=days_ago(10),
                     created_by=personas["officer_a"])


def update(officer, case, section, **data) -> ChildCase:
    return services.child_case_update(actor=officer, case_id=case.pk, section=section,
                                      data=data)


def reloaded(case: ChildCase) -> ChildCase:
    return ChildCase.objects.get(pk=case.pk)


# --- Surveys ---------------------------------------------------------------------------


def test_officer_plans_a_survey_of_their_district(personas, district_a):
    survey = services.child_survey_save(actor=personas["officer_a"],
                                        data=survey_data(district_a))
    assert (survey.district, survey.created_by) == (district_a, personas["officer_a"])


def test_survey_ending_before_it_starts_is_refused(personas, district_a):
    with pytest.raises(ValidationError) as error:
        services.child_survey_save(actor=personas["officer_a"], data=survey_data(
            district_a, starts_on=days_ago(4), ends_on=days_ago(5)))
    assert error.value.message_dict == {
        "ends_on": ["The last day comes on or after the first day."]}
    assert not ChildSurvey.objects.exists()


def test_children_found_without_establishments_visited_is_refused(personas, district_a):
    with pytest.raises(ValidationError) as error:
        services.child_survey_save(actor=personas["officer_a"], data=survey_data(
            district_a, children_found=3, establishments_visited=0))
    assert error.value.message_dict == {"establishments_visited": [
        "Children were found: give the number of establishments visited."]}
    assert not ChildSurvey.objects.exists()


def test_officer_cannot_plan_a_survey_in_another_district(personas, district_b):
    with pytest.raises(ValidationError) as error:
        services.child_survey_save(actor=personas["officer_a"], data=survey_data(district_b))
    assert error.value.messages == [OUTSIDE]
    assert not ChildSurvey.objects.exists()


def test_findings_are_recorded_on_the_planned_survey(personas, district_a):
    survey = ChildSurveyFactory(district=district_a)
    services.child_survey_save(actor=personas["officer_a"], survey_id=survey.pk, data={
        "establishments_visited": 42, "children_found": 3, "findings": "Three in dhabas"})
    survey.refresh_from_db()
    assert (survey.establishments_visited, survey.children_found) == (42, 3)


def test_officer_of_another_district_cannot_change_a_survey(personas, district_a):
    survey = ChildSurveyFactory(district=district_a)
    with pytest.raises(ChildSurvey.DoesNotExist):
        services.child_survey_save(actor=personas["officer_b"], survey_id=survey.pk,
                                   data={"findings": "Changed"})
    survey.refresh_from_db()
    assert survey.findings == ""


def test_survey_cannot_be_moved_to_a_district_outside_jurisdiction(personas, district_a,
                                                                   district_b):
    survey = ChildSurveyFactory(district=district_a)
    with pytest.raises(ValidationError) as error:
        services.child_survey_save(actor=personas["officer_a"], survey_id=survey.pk,
                                   data={"district": district_b})
    assert error.value.messages == [OUTSIDE]
    survey.refresh_from_db()
    assert survey.district == district_a


# --- Recording a rescued child ---------------------------------------------------------


def test_rescued_child_is_numbered_and_awaits_the_cwc_order(personas, district_a):
    officer = personas["officer_a"]
    first = services.child_case_create(actor=officer, data=child_data(district_a))
    second = services.child_case_create(actor=officer, data=child_data(district_a,
                                                                       name="Pinky"))
    assert [first.number, second.number] == [f"CL-{YEAR}-00001", f"CL-{YEAR}-00002"]
    assert first.stage == C.AWAITING_ORDER
    assert first.next_visit_on == days_ago(10) + timedelta(days=60)


def test_child_found_in_a_survey_is_linked_to_it(personas, district_a):
    survey = ChildSurveyFactory(district=district_a)
    case = services.child_case_create(actor=personas["officer_a"],
                                      data=child_data(district_a, survey=survey))
    assert list(survey.cases.all()) == [case]


def test_seventeen_year_old_is_recorded(personas, district_a):
    case = services.child_case_create(actor=personas["officer_a"],
                                      data=child_data(district_a, age=17))
    assert reloaded(case).age == 17


def test_person_aged_eighteen_is_refused_as_not_a_child(personas, district_a):
    with pytest.raises(ValidationError) as error:
        services.child_case_create(actor=personas["officer_a"],
                                   data=child_data(district_a, age=18))
    assert error.value.message_dict == {"age": ["A child labour case is for a child under 18."]}
    assert not ChildCase.objects.exists()
    assert not CaseSequence.objects.filter(kind="CL", last_value__gt=0).exists()


def test_database_refuses_an_adult_in_a_child_case(district_a):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_case(district=district_a, age=18)


def test_child_rescue_dated_in_the_future_is_refused(personas, district_a):
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        services.child_case_create(actor=personas["officer_a"],
                                   data=child_data(district_a, rescued_on=tomorrow))
    assert error.value.message_dict == {
        "rescued_on": ["The date of rescue cannot be in the future."]}
    assert not ChildCase.objects.exists()


def test_survey_of_another_district_is_refused(personas, district_a, district_b):
    survey = ChildSurveyFactory(district=district_b)
    with pytest.raises(ValidationError) as error:
        services.child_case_create(actor=personas["officer_a"],
                                   data=child_data(district_a, survey=survey))
    assert error.value.message_dict == {"survey": ["That survey is of another district."]}
    assert not ChildCase.objects.exists()


def test_officer_cannot_record_a_child_of_another_district(personas, district_b):
    with pytest.raises(ValidationError) as error:
        services.child_case_create(actor=personas["officer_a"], data=child_data(district_b))
    assert error.value.messages == [OUTSIDE]
    assert not ChildCase.objects.exists()


# --- Order, placement, school -----------------------------------------------------------------


def test_cwc_order_dated_before_the_rescue_is_refused(personas, case_a):
    with pytest.raises(ValidationError) as error:
        update(personas["officer_a"], case_a, "order", cwc_order_number="CWC/12",
               cwc_order_on=days_ago(11))
    assert error.value.message_dict == {
        "cwc_order_on": ["The CWC order comes after the rescue."]}
    assert reloaded(case_a).cwc_order_on is None


def test_placement_without_the_cwc_order_is_refused(personas, case_a):
    with pytest.raises(ValidationError) as error:
        update(personas["officer_a"], case_a, "order", placement=ChildCase.Placement.FAMILY)
    assert error.value.message_dict == {
        "placement": ["Placement follows the CWC order: record the order first."]}
    assert reloaded(case_a).placement == ""


def test_case_moves_through_order_placement_and_school(personas, case_a):
    officer = personas["officer_a"]
    stages = [
        update(officer, case_a, "order", cwc_order_number="CWC/12",
               cwc_order_on=days_ago(8)).stage,
        update(officer, case_a, "order", placement=ChildCase.Placement.SHELTER,
               placement_details="Govt. children's home").stage,
        update(officer, case_a, "rehabilitation", education=ChildCase.Education.NCLP,
               institution="NCLP centre, Gudhiyari", enrolled_on=days_ago(2)).stage,
    ]
    assert stages == [C.AWAITING_PLACEMENT, C.AWAITING_SCHOOL, C.REHABILITATED]
    assert reloaded(case_a).stage == C.REHABILITATED


def test_schooling_needs_the_school_and_the_date_of_enrolment(personas, case_a):
    officer = personas["officer_a"]
    update(officer, case_a, "order", cwc_order_on=days_ago(8),
           placement=ChildCase.Placement.FAMILY)
    with pytest.raises(ValidationError) as error:
        update(officer, case_a, "rehabilitation", education=ChildCase.Education.SCHOOL)
    assert error.value.message_dict == {
        "institution": ["Give the school or centre and the date of enrolment."]}
    assert reloaded(case_a).stage == C.AWAITING_SCHOOL


def test_fine_without_a_conviction_is_refused(personas, case_a):
    with pytest.raises(ValidationError) as error:
        update(personas["officer_a"], case_a, "prosecution", complaint_on=days_ago(5),
               fine_amount=20000)
    assert error.value.message_dict == {"fine_amount": ["A fine follows a conviction."]}
    assert reloaded(case_a).complaint_on is None


def test_age_corrected_to_eighteen_is_refused(personas, case_a):
    with pytest.raises(ValidationError) as error:
        update(personas["officer_a"], case_a, "child", age=18)
    assert error.value.message_dict == {"age": ["A child labour case is for a child under 18."]}
    assert reloaded(case_a).age == 13


def test_officer_of_another_district_cannot_change_a_child_case(personas, case_a):
    with pytest.raises(ChildCase.DoesNotExist):
        update(personas["officer_b"], case_a, "order", cwc_order_on=days_ago(8))
    assert reloaded(case_a).cwc_order_on is None


def test_visit_to_a_child_sets_the_next_visit_an_interval_after_it(personas, case_a):
    services.visit_record(actor=personas["officer_a"], case=case_a, visited_on=days_ago(3),
                          findings="Attending school")
    assert reloaded(case_a).next_visit_on == days_ago(3) + timedelta(days=60)


def test_visit_before_the_child_was_rescued_is_refused(personas, case_a):
    with pytest.raises(ValidationError) as error:
        services.visit_record(actor=personas["officer_a"], case=case_a,
                              visited_on=days_ago(11), findings="")
    assert error.value.messages == ["A follow-up visit comes after the rescue."]
    assert not FollowUpVisit.objects.exists()


def test_officer_of_another_district_cannot_add_a_hearing_to_a_child_case(personas, case_a):
    with pytest.raises(ChildCase.DoesNotExist):
        services.hearing_add(actor=personas["officer_b"], case=case_a, held_on=days_ago(1),
                             next_on=None, notes="")
    assert not Hearing.objects.exists()


# --- The district admin reads but does not write --------------------------------------


WRITES = {
    "child_survey_save": lambda actor, case: services.child_survey_save(
        actor=actor, data=survey_data(case.district)),
    "child_survey_save (findings)": lambda actor, case: services.child_survey_save(
        actor=actor, survey_id=ChildSurveyFactory(district=case.district).pk,
        data={"findings": "Changed"}),
    "child_case_create": lambda actor, case: services.child_case_create(
        actor=actor, data=child_data(case.district)),
    "child_case_update": lambda actor, case: update(actor, case, "order",
                                                    cwc_order_on=days_ago(8)),
    "hearing_add": lambda actor, case: services.hearing_add(
        actor=actor, case=case, held_on=days_ago(1), next_on=None, notes=""),
    "visit_record": lambda actor, case: services.visit_record(
        actor=actor, case=case, visited_on=days_ago(1), findings="Fine"),
}


def snapshot(case: ChildCase) -> tuple:
    return (reloaded(case).updated_at, ChildCase.objects.count(), Hearing.objects.count(),
            FollowUpVisit.objects.count(), ChildSurvey.objects.filter(findings="Changed").count())


@pytest.mark.parametrize("write", WRITES)
def test_district_admin_is_refused_every_write_to_a_child_record(personas, case_a, write):
    admin = personas["district_admin_a"]
    before = snapshot(case_a)
    with pytest.raises(ValidationError) as error:
        WRITES[write](admin, case_a)
    assert error.value.messages == [NOT_OFFICER]
    assert snapshot(case_a) == before
    assert not ChildSurvey.objects.filter(created_by=admin).exists()
