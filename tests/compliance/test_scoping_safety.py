"""Who sees which factory safety, cess and voluntary-compliance rows.

District officials see their district's; safety inspectors no cess; an employer only
their own establishments' records (and never a planned inspection: it is a surprise);
every other role nothing. Workshops are open to every employer.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from compliance import selectors_safety
from compliance.models import (
    Accident,
    CessAssessment,
    CessPayment,
    CommitteeMeeting,
    CommitteeMember,
    ConstructionProject,
    Factory,
    Inspection,
    SelfCertification,
    Workshop,
    WorkshopAttendance,
)
from core.roles import RoleCode as R
from core.scoping import scoped
from employers.models import Establishment
from tests.compliance.factories_safety import (
    AccidentFactory,
    CessAssessmentFactory,
    ConstructionProjectFactory,
    FactoryFactory,
    InspectionFactory,
    SelfCertificationFactory,
    WorkshopFactory,
)
from tests.core.factories import UserFactory
from tests.employers.factories import EstablishmentFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
SAFETY = (Factory, Accident, CommitteeMember, CommitteeMeeting, WorkshopAttendance,
          SelfCertification)
CESS = (ConstructionProject, CessAssessment, CessPayment)
MODELS = (*SAFETY, Inspection, Workshop, *CESS)


@pytest.fixture
def world(personas, district_a, district_b) -> dict:
    """The records of employer A (district A) and employer B (district B), by model."""
    personas["employer_b"] = UserFactory(username="employer.b", roles=[R.EMPLOYER])
    personas["inspector_b"] = UserFactory(username="inspector.b",
                                          roles=[R.SAFETY_INSPECTOR],
                                          jurisdiction=[district_b])
    rows = {model: {} for model in MODELS}
    for side, district in (("A", district_a), ("B", district_b)):
        owner = personas[f"employer_{side.lower()}"]
        factory = FactoryFactory(establishment=EstablishmentFactory(owner=owner,
                                                                    district=district))
        rows[Factory][side] = factory
        rows[Inspection][f"{side} done"] = InspectionFactory(
            factory=factory, month=TODAY.replace(day=1) - timedelta(days=40),
            status=Inspection.Status.DONE, inspected_on=TODAY - timedelta(days=40))
        rows[Inspection][f"{side} planned"] = InspectionFactory(factory=factory)
        rows[Accident][side] = AccidentFactory(factory=factory, reported_by=owner)
        rows[CommitteeMember][side] = CommitteeMember.objects.create(
            factory=factory, name="Rep", side="workers", joined_on=TODAY)
        rows[CommitteeMeeting][side] = CommitteeMeeting.objects.create(
            factory=factory, held_on=TODAY, minutes="minutes.pdf", recorded_by=owner)
        rows[Workshop][side] = WorkshopFactory(district=district)
        rows[WorkshopAttendance][side] = WorkshopAttendance.objects.create(
            workshop=rows[Workshop][side], factory=factory, attendees=3)
        rows[SelfCertification][side] = SelfCertificationFactory(
            establishment=factory.establishment)
        project = ConstructionProjectFactory(establishment=EstablishmentFactory(
            owner=owner, district=district, kind=Establishment.Kind.CONSTRUCTION))
        rows[ConstructionProject][side] = project
        rows[CessAssessment][side] = CessAssessmentFactory(project=project)
        rows[CessPayment][side] = CessPayment.objects.create(
            project=project, district=district, amount=Decimal("1000"), paid_on=TODAY,
            challan_reference=f"CH-{side}", paid_by=owner)
    rows[Workshop]["state"] = WorkshopFactory(district=None)
    return rows


def side(name: str, *, cess: bool = True, inspections=("done", "planned")) -> dict:
    """What an official (or the employer) of one side sees."""
    return {**{model: {name} for model in SAFETY},
            Inspection: {f"{name} {kind}" for kind in inspections},
            Workshop: {name, "state"},
            **{model: ({name} if cess else set()) for model in CESS}}


EVERYTHING = {model: ({"A done", "A planned", "B done", "B planned"} if model is Inspection
                      else {"A", "B", "state"} if model is Workshop else {"A", "B"})
              for model in MODELS}
NOTHING = {model: set() for model in MODELS}
EMPLOYER_A = {**side("A", inspections=("done",)), Workshop: {"A", "B", "state"}}
EMPLOYER_B = {**side("B", inspections=("done",)), Workshop: {"A", "B", "state"}}

EXPECTED = {
    "state_admin": EVERYTHING,
    "district_admin_a": side("A"), "officer_a": side("A"),
    "inspector_a": side("A", cess=False),
    "district_admin_b": side("B"), "officer_b": side("B"),
    "inspector_b": side("B", cess=False),
    "employer_a": EMPLOYER_A, "employer_b": EMPLOYER_B,
    **{persona: NOTHING for persona in ("csc_a", "csc_b", "helpline", "maker", "checker",
                                        "worker_a", "worker_b")},
}


def seen(user, rows: dict, model) -> set[str]:
    visible = set(scoped(user, model).values_list("pk", flat=True))
    return {label for label, row in rows[model].items() if row.pk in visible}


@pytest.mark.parametrize("persona", EXPECTED)
def test_each_persona_sees_only_the_safety_and_cess_rows_they_may(personas, world, persona):
    user = personas[persona]
    assert {model.__name__: seen(user, world, model) for model in MODELS} == {
        model.__name__: labels for model, labels in EXPECTED[persona].items()}


def test_planned_inspections_are_hidden_from_the_owner_and_done_ones_shown(personas, world):
    listed = set(selectors_safety.inspection_list(user=personas["employer_a"]))
    assert listed == {world[Inspection]["A done"]}


def test_a_planned_inspection_becomes_visible_to_the_owner_once_made(personas, world):
    planned = world[Inspection]["A planned"]
    Inspection.objects.filter(pk=planned.pk).update(status=Inspection.Status.DONE,
                                                    inspected_on=TODAY)
    assert scoped(personas["employer_a"], Inspection).filter(pk=planned.pk).exists()


def test_an_employer_lists_only_their_own_factories_projects_and_certifications(personas,
                                                                                world):
    employer = personas["employer_a"]
    assert list(selectors_safety.factory_list(user=employer)) == [world[Factory]["A"]]
    assert list(selectors_safety.project_list(user=employer)) == [
        world[ConstructionProject]["A"]]
    assert list(selectors_safety.certification_list(user=employer)) == [
        world[SelfCertification]["A"]]


def test_district_b_officials_find_nothing_of_district_a_in_the_reports(personas, world):
    for name in ("officer_b", "district_admin_b"):
        user = personas[name]
        assert {row["district__name_en"] for row in selectors_safety.cess_collections(
            user=user)} == {"Bilaspur"}
        assert {row["factory__district__name_en"] for row in
                selectors_safety.attendance_by_district(user=user)} == {"Bilaspur"}
        assert {row["district__name_en"] for row in selectors_safety.certification_report(
            user=user)} == {"Bilaspur"}


def test_roles_outside_the_department_get_empty_reports(personas, world):
    for name in ("csc_a", "helpline", "maker", "worker_a"):
        user = personas[name]
        assert selectors_safety.cess_collections(user=user) == []
        assert selectors_safety.attendance_by_district(user=user) == []
        assert selectors_safety.cess_defaulters(user=user) == []
        assert not selectors_safety.committees_missing(user=user).exists()
