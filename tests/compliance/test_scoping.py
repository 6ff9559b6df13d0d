"""Who sees which compliance rows: the state admin all, district officials their own, others none.

A bonded labour case is seen at both ends (district of release and home district); a
child's records only in the child's district. Every other role sees nothing here.
"""

import itertools
from datetime import timedelta

import pytest
from django.utils import timezone

from compliance import selectors
from compliance.models import (
    BondedCase,
    ChildCase,
    ChildSurvey,
    FollowUpVisit,
    Hearing,
    RehabComponent,
    RescueOperation,
)
from core.scoping import scoped
from tests.compliance.factories import (
    BondedCaseFactory,
    ChildCaseFactory,
    ChildSurveyFactory,
    RescueOperationFactory,
    days_ago,
)
from tests.core.factories import StateFactory

pytestmark = pytest.mark.django_db
_numbers = itertools.count(1)

A_HOME = "released and home in A"
A_TO_B = "released in A, home B"
B_HOME = "released and home in B"
ELSEWHERE_TO_A = "released in another state, home A"


@pytest.fixture
def world(personas, district_a, district_b) -> dict:
    """Operations, bonded cases, surveys and children of districts A and B, by label."""
    up = StateFactory(lgd_code=9, code="UP", name_en="Uttar Pradesh", name_hi="उत्तर प्रदेश")
    operations = {"A": RescueOperationFactory(district=district_a),
                  "B": RescueOperationFactory(district=district_b),
                  "other state": RescueOperationFactory(district=None, state=up,
                                                        place_district_name="Bhadohi")}

    def case(operation, origin):
        return BondedCaseFactory(number=f"BL-1999-{next(_numbers):05d}",
                                 operation=operations[operation], origin_district=origin)

    return {
        RescueOperation: operations,
        BondedCase: {A_HOME: case("A", district_a), A_TO_B: case("A", district_b),
                     B_HOME: case("B", district_b),
                     ELSEWHERE_TO_A: case("other state", district_a)},
        ChildSurvey: {"A": ChildSurveyFactory(district=district_a),
                      "B": ChildSurveyFactory(district=district_b)},
        ChildCase: {"A": ChildCaseFactory(number=f"CL-1999-{next(_numbers):05d}",
                                          district=district_a),
                    "B": ChildCaseFactory(number=f"CL-1999-{next(_numbers):05d}",
                                          district=district_b)},
    }


A_SIDE = {RescueOperation: {"A", "other state"},
          BondedCase: {A_HOME, A_TO_B, ELSEWHERE_TO_A},
          ChildSurvey: {"A"}, ChildCase: {"A"}}
# B sees operation A because it released a person whose home is B.
B_SIDE = {RescueOperation: {"A", "B"}, BondedCase: {A_TO_B, B_HOME},
          ChildSurvey: {"B"}, ChildCase: {"B"}}
EVERYTHING = {RescueOperation: {"A", "B", "other state"},
              BondedCase: {A_HOME, A_TO_B, B_HOME, ELSEWHERE_TO_A},
              ChildSurvey: {"A", "B"}, ChildCase: {"A", "B"}}
NOTHING = {model: set() for model in EVERYTHING}

EXPECTED = {
    "state_admin": EVERYTHING,
    "district_admin_a": A_SIDE, "officer_a": A_SIDE,
    "district_admin_b": B_SIDE, "officer_b": B_SIDE,
    **{persona: NOTHING for persona in [
        "inspector_a", "csc_a", "csc_b", "helpline", "maker", "checker", "employer_a",
        "worker_a", "worker_b"]},
}


def seen(user, rows: dict) -> set[str]:
    model = type(next(iter(rows.values())))
    visible = set(scoped(user, model).values_list("pk", flat=True))
    return {label for label, row in rows.items() if row.pk in visible}


@pytest.mark.parametrize("persona", EXPECTED)
def test_each_persona_sees_only_the_rows_of_their_jurisdiction(personas, world, persona):
    user = personas[persona]
    assert {model.__name__: seen(user, world[model]) for model in EVERYTHING} == {
        model.__name__: labels for model, labels in EXPECTED[persona].items()}


def test_case_released_in_another_state_is_seen_by_its_home_district(personas, world):
    case = world[BondedCase][ELSEWHERE_TO_A]
    assert case.operation.district is None and case.release_district is None
    assert scoped(personas["officer_a"], BondedCase).filter(pk=case.pk).exists()
    assert not scoped(personas["officer_b"], BondedCase).filter(pk=case.pk).exists()


def test_package_components_are_seen_at_both_ends_of_their_case(personas, world):
    case = world[BondedCase][A_TO_B]
    component = RehabComponent.objects.create(case=case, kind=RehabComponent.Kind.CASH,
                                              status_on=days_ago(1))
    assert [scoped(personas[name], RehabComponent).filter(pk=component.pk).exists()
            for name in ("officer_a", "officer_b", "csc_a")] == [True, True, False]


def test_hearings_and_visits_of_a_child_are_seen_only_in_the_childs_district(personas,
                                                                             world):
    child = world[ChildCase]["A"]
    Hearing.objects.create(child_case=child, held_on=days_ago(2),
                           recorded_by=personas["officer_a"])
    FollowUpVisit.objects.create(child_case=child, visited_on=days_ago(1),
                                 officer=personas["officer_a"], findings="In school")
    counts = {name: (scoped(personas[name], Hearing).count(),
                     scoped(personas[name], FollowUpVisit).count())
              for name in ("officer_a", "district_admin_a", "officer_b", "inspector_a")}
    assert counts == {"officer_a": (1, 1), "district_admin_a": (1, 1), "officer_b": (0, 0),
                      "inspector_a": (0, 0)}


def test_home_district_lists_its_people_released_elsewhere_awaiting_assistance(personas,
                                                                              world):
    awaiting = {case.number for case in selectors.bonded_awaiting_here(
        user=personas["officer_b"])}
    assert awaiting == {world[BondedCase][A_TO_B].number}


def test_visits_due_lists_only_the_users_cases(personas, world):
    today = timezone.localdate()
    BondedCase.objects.update(next_visit_on=today - timedelta(days=1))
    ChildCase.objects.update(next_visit_on=today)
    due = selectors.visits_due(user=personas["officer_b"], on=today)
    assert {case.number for case in due["bonded"]} == {
        world[BondedCase][label].number for label in (A_TO_B, B_HOME)}
    assert [case.number for case in due["children"]] == [world[ChildCase]["B"].number]
