"""Factory inspections through their pages: the monthly plan, the report, the employer's
compliance and its review, the list, and who may open what."""

import csv
import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from compliance.forms_factories import add_months, month_value
from compliance.models import CHECKLIST, Inspection, SelfCertification
from core.models import AuditEvent
from core.roles import RoleCode as R
from tests.compliance.factories_safety import (
    FactoryFactory,
    InspectionFactory,
    SelfCertificationFactory,
)
from tests.core.factories import UserFactory

pytestmark = pytest.mark.django_db

LIST = reverse("compliance:inspection_list")
PLAN = reverse("compliance:inspection_plan")
PDF = b"%PDF-1.4\n% compliance proof\n%%EOF\n"


def url(name: str, inspection: Inspection) -> str:
    return reverse(name, args=[inspection.uuid])


def day(value) -> str:
    return value.strftime("%d/%m/%Y")


def next_month():
    return add_months(timezone.localdate().replace(day=1), 1)


def csv_rows(response) -> list[list[str]]:
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(content)))


def report_data(*, violation: str | None = None, **overrides) -> dict:
    """A report with every checklist item in order except ``violation``."""
    data = {"inspected_on": day(timezone.localdate()), "violations": "", "directions": "",
            "compliance_due_on": ""}
    for code, _label in CHECKLIST:
        data[f"check_{code}"] = "violation" if code == violation else "in_order"
    return {**data, **overrides}


def violation_data(**overrides) -> dict:
    return report_data(violation="fencing", **{
        "violations": "Press guards missing (s.21).",
        "directions": "Fit fixed guards on all power presses.",
        "compliance_due_on": day(timezone.localdate() + timedelta(days=30)), **overrides})


@pytest.fixture
def factory_a(personas, district_a):
    return FactoryFactory(establishment__owner=personas["employer_a"],
                          establishment__district=district_a,
                          establishment__name="Urla Forgings")


@pytest.fixture
def planned_a(personas, factory_a):
    return InspectionFactory(factory=factory_a, inspector=personas["inspector_a"])


@pytest.fixture
def pending_a(personas, factory_a):
    """A done inspection whose directions the employer must comply with."""
    return InspectionFactory(
        factory=factory_a, inspector=personas["inspector_a"], status=Inspection.Status.DONE,
        inspected_on=timezone.localdate() - timedelta(days=5), checklist={"fencing": False},
        violations="Guards missing", directions="Fit guards",
        compliance=Inspection.Compliance.PENDING,
        compliance_due_on=timezone.localdate() + timedelta(days=25))


@pytest.fixture
def inspection_b(district_b):
    return InspectionFactory(factory=FactoryFactory(establishment__district=district_b),
                             status=Inspection.Status.DONE,
                             inspected_on=timezone.localdate())


# --- The monthly plan ------------------------------------------------------------------------


def test_inspector_plans_next_month_and_the_list_shows_the_planned_inspections(
        client, login, personas, district_a):
    FactoryFactory(establishment__district=district_a, establishment__name="Hot Plant",
                   risk_category="high", risk_score=80)
    FactoryFactory(establishment__district=district_a, establishment__name="Medium Plant")
    login(personas["inspector_a"])
    month = next_month()
    response = client.post(PLAN, {"month": month_value(month)}, follow=True)
    planned = Inspection.objects.filter(month=month)
    assert planned.count() == 2
    assert set(planned.values_list("reason", flat=True)) == {"high_risk", "rota"}
    assert all(i.inspector == personas["inspector_a"] for i in planned)
    assert response.redirect_chain[-1][0] == (
        f"{LIST}?month={month_value(month)}&district={district_a.pk}")
    page = response.content.decode()
    assert "2 inspections planned (high risk: 1, by rota: 1" in page
    assert "Hot Plant" in page
    assert "Medium Plant" in page


def test_planning_the_same_month_again_adds_nothing(client, login, personas, district_a):
    FactoryFactory(establishment__district=district_a, risk_category="high", risk_score=80)
    login(personas["inspector_a"])
    month = month_value(next_month())
    client.post(PLAN, {"month": month})
    response = client.post(PLAN, {"month": month}, follow=True)
    assert Inspection.objects.count() == 1
    assert "nothing new to plan" in response.content.decode()


def test_the_plan_page_explains_the_rule_and_defaults_to_next_month(client, login, personas):
    login(personas["inspector_a"])
    response = client.get(PLAN)
    page = response.content.decode()
    assert "High-risk factories: every month." in page
    assert "random sample of 10% of them" in page
    assert response.context["form"]["month"].value() == month_value(next_month())
    # A single district: nothing to choose.
    assert "district" not in response.context["form"].fields


def test_the_state_admin_chooses_the_district_to_plan(client, login, personas, district_a,
                                                      district_b):
    FactoryFactory(establishment__district=district_b, risk_category="high", risk_score=80)
    FactoryFactory(establishment__district=district_a, risk_category="high", risk_score=80)
    login(personas["state_admin"])
    response = client.post(PLAN, {"district": district_b.pk,
                                  "month": month_value(timezone.localdate())})
    assert response.status_code == 302
    assert list(Inspection.objects.values_list("district", flat=True)) == [district_b.pk]


def test_a_month_outside_the_choices_is_refused_and_nothing_is_planned(client, login,
                                                                       personas, district_a):
    FactoryFactory(establishment__district=district_a, risk_category="high", risk_score=80)
    login(personas["inspector_a"])
    response = client.post(PLAN, {"month": "2020-01"})
    assert response.status_code == 200
    assert "Select a valid choice." in response.content.decode()
    assert not Inspection.objects.exists()


def test_labour_officers_and_district_admins_get_404_on_the_plan(client, login, personas):
    for persona in ("officer_a", "district_admin_a", "employer_a"):
        login(personas[persona])
        assert client.get(PLAN).status_code == 404


# --- An inspection for a cause ---------------------------------------------------------------


def test_inspector_opens_an_inspection_after_a_complaint(client, login, personas, factory_a):
    login(personas["inspector_a"])
    response = client.post(reverse("compliance:inspection_create", args=[factory_a.uuid]),
                           {"reason": "complaint"})
    inspection = Inspection.objects.get()
    assert response["Location"] == inspection.get_absolute_url()
    assert (inspection.reason, inspection.inspector) == ("complaint",
                                                         personas["inspector_a"])


def test_a_routine_reason_cannot_be_chosen_for_an_inspection_for_a_cause(client, login,
                                                                         personas, factory_a):
    login(personas["inspector_a"])
    response = client.post(reverse("compliance:inspection_create", args=[factory_a.uuid]),
                           {"reason": "rota"})
    assert response.status_code == 200
    assert "Select a valid choice." in response.content.decode()
    assert not Inspection.objects.exists()


# --- What the employer sees ------------------------------------------------------------------


def test_employer_does_not_see_a_planned_inspection_in_the_list(client, login, personas,
                                                                planned_a):
    login(personas["employer_a"])
    response = client.get(LIST)
    assert response.status_code == 200
    assert "Urla Forgings" not in response.content.decode()


def test_employer_gets_404_on_a_planned_inspection(client, login, personas, planned_a):
    login(personas["employer_a"])
    assert client.get(planned_a.get_absolute_url()).status_code == 404


def test_employer_sees_the_inspection_once_its_report_is_recorded(client, login, personas,
                                                                  planned_a):
    login(personas["inspector_a"])
    client.post(url("compliance:inspection_report", planned_a), violation_data())
    login(personas["employer_a"])
    assert "Urla Forgings" in client.get(LIST).content.decode()
    page = client.get(planned_a.get_absolute_url()).content.decode()
    assert "Fit fixed guards on all power presses." in page
    assert url("compliance:inspection_comply", planned_a) in page


# --- The report ------------------------------------------------------------------------------


def test_a_violation_without_a_date_to_comply_by_is_refused_and_nothing_is_saved(
        client, login, personas, planned_a):
    login(personas["inspector_a"])
    response = client.post(url("compliance:inspection_report", planned_a),
                           violation_data(compliance_due_on=""))
    assert response.status_code == 200
    assert "Violations were found: give the date to comply by." in response.content.decode()
    planned_a.refresh_from_db()
    assert planned_a.status == Inspection.Status.PLANNED
    assert planned_a.checklist == {}


def test_a_report_with_a_violation_and_a_deadline_awaits_compliance(client, login, personas,
                                                                    planned_a):
    login(personas["inspector_a"])
    response = client.post(url("compliance:inspection_report", planned_a), violation_data())
    assert response.status_code == 302
    planned_a.refresh_from_db()
    assert planned_a.status == Inspection.Status.DONE
    assert planned_a.compliance == Inspection.Compliance.PENDING
    assert planned_a.checklist["fencing"] is False
    assert planned_a.checklist["fire"] is True
    assert planned_a.compliance_due_on == timezone.localdate() + timedelta(days=30)


def test_a_report_with_everything_in_order_needs_no_compliance(client, login, personas,
                                                               planned_a):
    login(personas["inspector_a"])
    client.post(url("compliance:inspection_report", planned_a), report_data())
    planned_a.refresh_from_db()
    assert (planned_a.status, planned_a.compliance) == ("done", "none")


def test_a_report_must_mark_every_checklist_item(client, login, personas, planned_a):
    login(personas["inspector_a"])
    data = report_data()
    del data["check_fire"]
    response = client.post(url("compliance:inspection_report", planned_a), data)
    assert response.status_code == 200
    assert "Mark this item in order or a violation." in response.content.decode()
    planned_a.refresh_from_db()
    assert planned_a.status == Inspection.Status.PLANNED


def test_the_report_of_a_done_inspection_cannot_be_recorded_again(client, login, personas,
                                                                  pending_a):
    login(personas["inspector_a"])
    response = client.post(url("compliance:inspection_report", pending_a), report_data())
    assert response.status_code == 302
    pending_a.refresh_from_db()
    assert pending_a.compliance == Inspection.Compliance.PENDING


def test_a_false_self_certification_found_in_inspection_is_revoked(client, login, personas,
                                                                   planned_a):
    certification = SelfCertificationFactory(establishment=planned_a.factory.establishment)
    login(personas["inspector_a"])
    page = client.get(url("compliance:inspection_report", planned_a)).content.decode()
    assert "The self-certification was found false" in page
    response = client.post(url("compliance:inspection_report", planned_a),
                           violation_data(is_false_certification="on"))
    assert response.status_code == 302
    certification.refresh_from_db()
    assert certification.status == SelfCertification.Status.REVOKED
    assert certification.revoked_by_inspection == planned_a


def test_the_false_certification_box_is_not_offered_for_a_non_certifier(client, login,
                                                                        personas, planned_a):
    login(personas["inspector_a"])
    page = client.get(url("compliance:inspection_report", planned_a)).content.decode()
    assert "The self-certification was found false" not in page


# --- Compliance ------------------------------------------------------------------------------


def test_employer_submits_compliance_with_proof(client, login, personas, pending_a):
    login(personas["employer_a"])
    proof = SimpleUploadedFile("guards photo.pdf", PDF, content_type="application/pdf")
    response = client.post(url("compliance:inspection_comply", pending_a),
                           {"compliance_note": "Guards fitted on 4 presses.",
                            "compliance_file": proof})
    assert response.status_code == 302
    pending_a.refresh_from_db()
    assert pending_a.compliance == Inspection.Compliance.SUBMITTED
    assert pending_a.compliance_note == "Guards fitted on 4 presses."
    assert "guards" not in pending_a.compliance_file.name
    download = client.get(url("compliance:inspection_file", pending_a))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF


def test_a_proof_that_is_not_a_document_is_refused_and_nothing_is_saved(client, login,
                                                                        personas, pending_a):
    login(personas["employer_a"])
    fake = SimpleUploadedFile("proof.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = client.post(url("compliance:inspection_comply", pending_a),
                           {"compliance_note": "Done", "compliance_file": fake})
    assert response.status_code == 200
    assert "A document must be a PDF, JPEG or PNG file." in response.content.decode()
    pending_a.refresh_from_db()
    assert pending_a.compliance == Inspection.Compliance.PENDING


def test_the_inspector_cannot_report_compliance_for_the_employer(client, login, personas,
                                                                 pending_a):
    login(personas["inspector_a"])
    assert client.get(url("compliance:inspection_comply", pending_a)).status_code == 404


def test_inspector_accepts_the_compliance(client, login, personas, pending_a):
    pending_a.compliance = Inspection.Compliance.SUBMITTED
    pending_a.compliance_note = "Guards fitted."
    pending_a.save()
    login(personas["inspector_a"])
    page = client.get(pending_a.get_absolute_url()).content.decode()
    assert url("compliance:inspection_review", pending_a) in page
    response = client.post(url("compliance:inspection_review", pending_a),
                           {"decision": "accept"})
    assert response.status_code == 302
    pending_a.refresh_from_db()
    assert pending_a.compliance == Inspection.Compliance.ACCEPTED


def test_sending_compliance_back_without_a_note_is_refused(client, login, personas, pending_a):
    pending_a.compliance = Inspection.Compliance.SUBMITTED
    pending_a.save()
    login(personas["inspector_a"])
    response = client.post(url("compliance:inspection_review", pending_a),
                           {"decision": "send_back", "note": ""})
    assert response.status_code == 200
    assert "Say what is still missing." in response.content.decode()
    pending_a.refresh_from_db()
    assert pending_a.compliance == Inspection.Compliance.SUBMITTED


def test_compliance_sent_back_awaits_the_employer_again(client, login, personas, pending_a):
    pending_a.compliance = Inspection.Compliance.SUBMITTED
    pending_a.save()
    login(personas["inspector_a"])
    client.post(url("compliance:inspection_review", pending_a),
                {"decision": "send_back", "note": "Photos of press 3 missing."})
    pending_a.refresh_from_db()
    assert pending_a.compliance == Inspection.Compliance.PENDING
    assert "Photos of press 3 missing." in pending_a.directions


# --- The list --------------------------------------------------------------------------------


def test_the_overdue_filter_keeps_compliance_past_its_deadline(client, login, personas,
                                                               pending_a, factory_a):
    late = InspectionFactory(
        factory=FactoryFactory(establishment__district=factory_a.district,
                               establishment__name="Late Works"),
        status=Inspection.Status.DONE, inspected_on=timezone.localdate() - timedelta(days=60),
        compliance=Inspection.Compliance.PENDING,
        compliance_due_on=timezone.localdate() - timedelta(days=10))
    login(personas["inspector_a"])
    response = client.get(LIST, {"overdue": "1"})
    page = response.content.decode()
    assert [i.pk for i in response.context["object_list"]] == [late.pk]
    assert "overdue" in page
    detail = client.get(late.get_absolute_url()).content.decode()
    assert "text-danger fw-semibold\">" + day(late.compliance_due_on) in detail


def test_the_month_filter_keeps_that_month(client, login, personas, factory_a):
    this_month = timezone.localdate().replace(day=1)
    InspectionFactory(factory=factory_a, month=this_month)
    earlier = InspectionFactory(factory=factory_a, month=add_months(this_month, -2))
    login(personas["inspector_a"])
    response = client.get(LIST, {"month": month_value(earlier.month)})
    assert [i.pk for i in response.context["object_list"]] == [earlier.pk]


def test_the_mine_filter_keeps_the_inspectors_own(client, login, personas, planned_a,
                                                  district_a):
    other = UserFactory(roles=[R.SAFETY_INSPECTOR], jurisdiction=[district_a])
    InspectionFactory(factory=FactoryFactory(establishment__district=district_a),
                      inspector=other)
    login(personas["inspector_a"])
    response = client.get(LIST, {"mine": "1"})
    assert [i.pk for i in response.context["object_list"]] == [planned_a.pk]


def test_the_list_exports_as_csv(client, login, personas, pending_a):
    login(personas["inspector_a"])
    rows = csv_rows(client.get(LIST, {"export": "csv"}))
    assert rows[0][:4] == ["Factory", "Licence number", "District", "Month"]
    assert rows[1][0] == "Urla Forgings"
    assert rows[1][-1] == "No"


def test_list_queries_do_not_grow_with_rows(client, login, personas, district_a,
                                            django_assert_max_num_queries):
    def list_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(LIST).status_code == 200
        return len(queries)

    InspectionFactory(factory=FactoryFactory(establishment__district=district_a),
                      inspector=personas["inspector_a"])
    login(personas["inspector_a"])
    one_row = list_queries()
    for n in range(12):
        InspectionFactory(factory=FactoryFactory(establishment__district=district_a,
                                                 establishment__name=f"Plant {n}"),
                          inspector=personas["inspector_a"] if n % 2 else None)
    assert list_queries() == one_row
    with django_assert_max_num_queries(20):
        response = client.get(LIST)
    assert "Plant 11" in response.content.decode()


# --- Who may open what -----------------------------------------------------------------------


def test_inspector_of_another_district_gets_404(client, login, personas, planned_a,
                                                district_b):
    login(UserFactory(roles=[R.SAFETY_INSPECTOR], jurisdiction=[district_b]))
    assert client.get(planned_a.get_absolute_url()).status_code == 404
    response = client.post(url("compliance:inspection_report", planned_a), violation_data())
    assert response.status_code == 404
    planned_a.refresh_from_db()
    assert planned_a.status == Inspection.Status.PLANNED
    assert AuditEvent.objects.filter(action=AuditEvent.Action.REFUSAL).exists()


def test_inspector_a_does_not_see_district_bs_inspections(client, login, personas,
                                                          inspection_b):
    login(personas["inspector_a"])
    assert client.get(inspection_b.get_absolute_url()).status_code == 404
    assert inspection_b.factory.establishment.name not in client.get(LIST).content.decode()


def test_another_employer_gets_404_on_the_inspection_its_compliance_and_file(
        client, login, pending_a):
    login(UserFactory(roles=[R.EMPLOYER]))
    assert client.get(pending_a.get_absolute_url()).status_code == 404
    assert client.get(url("compliance:inspection_comply", pending_a)).status_code == 404
    assert client.get(url("compliance:inspection_file", pending_a)).status_code == 404


def test_the_labour_officer_reads_an_inspection_without_actions(client, login, personas,
                                                                planned_a):
    login(personas["officer_a"])
    response = client.get(planned_a.get_absolute_url())
    assert response.status_code == 200
    assert url("compliance:inspection_report", planned_a) not in response.content.decode()
    assert client.get(url("compliance:inspection_report", planned_a)).status_code == 404
