"""The scheme catalogue through its pages: public reading, eligibility, the admin's form."""

from decimal import Decimal

import pytest
from django.urls import reverse

from core.models import AuditEvent
from registration.models import Worker
from tests.welfare.factories import SchemeFactory, active_worker
from welfare.models import Scheme, SchemeSlab

pytestmark = pytest.mark.django_db

LIST = reverse("welfare:scheme_list")
CREATE = reverse("welfare:scheme_create")


def scheme_post(**overrides) -> dict:
    """A complete scheme form as the state admin fills it, with slabs by class."""
    data = {
        "code": "tool", "name_en": "Tool kit assistance", "name_hi": "औज़ार सहायता",
        "description_en": "Money to buy tools.", "description_hi": "",
        "categories": ["boc"], "min_membership_days": "90", "gender": "",
        "min_age": "18", "max_age": "60", "beneficiary": "self", "limit_count": "1",
        "limit_scope": "worker", "limit_period": "ever", "amount": "",
        "documents": ["tool_quotation"], "opens_on": "01/04/2025", "closes_on": "31/03/2026",
        "budget_head": "2230-01-101", "budget_amount": "1000000", "is_active": "on",
        "slabs-TOTAL_FORMS": "3", "slabs-INITIAL_FORMS": "0",
        "slabs-MIN_NUM_FORMS": "0", "slabs-MAX_NUM_FORMS": "1000",
        "slabs-0-label_en": "Mason's tools", "slabs-0-label_hi": "राजमिस्त्री के औज़ार",
        "slabs-0-amount": "3000",
        "slabs-1-label_en": "Electrician's tools", "slabs-1-label_hi": "बिजली मिस्त्री के औज़ार",
        "slabs-1-amount": "5000",
        "slabs-2-label_en": "", "slabs-2-label_hi": "", "slabs-2-amount": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_anonymous_visitor_sees_the_active_schemes_with_their_amounts(client, edu_scheme,
                                                                      mat_scheme):
    SchemeFactory(code="old", name_en="Closed scheme", is_active=False)
    response = client.get(LIST)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Education assistance" in body and "Maternity assistance" in body
    assert "₹20,000" in body
    assert "₹1,000 to ₹3,000, by slab" in body
    assert "Closed scheme" not in body


def test_anonymous_visitor_reads_the_rules_of_a_scheme_in_plain_words(client, edu_scheme):
    response = client.get(reverse("welfare:scheme_detail", args=["edu"]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "At most 1 claim per beneficiary (e.g. per child) per academic year." in body
    assert "Class 9 to 10" in body and "₹3,000" in body
    assert "Marksheet of the last class" in body
    assert "Budget head" not in body


def test_inactive_scheme_page_is_not_found_for_anonymous_visitors(client):
    SchemeFactory(code="old", is_active=False)
    assert client.get(reverse("welfare:scheme_detail", args=["old"])).status_code == 404


def test_worker_sees_you_can_apply_and_an_apply_link_for_an_open_scheme(
        client, login, personas, worker_a, mat_scheme):
    login(personas["worker_a"])
    response = client.get(LIST)
    body = response.content.decode()
    assert "You can apply." in body
    assert reverse("welfare:application_create", args=[worker_a.uuid, "mat"]) in body


def test_male_worker_sees_that_a_scheme_for_women_workers_is_not_for_him(
        client, login, personas, district_a):
    active_worker(district=district_a, owner=personas["worker_a"], gender=Worker.Gender.MALE)
    SchemeFactory(code="matself", name_en="Maternity assistance (women workers)",
                  gender=Worker.Gender.FEMALE, beneficiary=Scheme.Beneficiary.SELF)
    login(personas["worker_a"])
    body = client.get(LIST).content.decode()
    assert "You cannot apply yet, because:" in body
    assert "This scheme is for a female beneficiary." in body


def test_worker_registered_recently_sees_every_reason_before_applying(
        client, login, personas, district_a, edu_scheme):
    active_worker(district=district_a, owner=personas["worker_a"], registered_days_ago=10,
                  children=0)
    login(personas["worker_a"])
    body = client.get(reverse("welfare:scheme_detail", args=["edu"])).content.decode()
    assert "registered for at least 90 days (registered for 10 days)" in body
    assert "No son or daughter is recorded" in body
    assert reverse("welfare:application_create", args=[
        Worker.objects.get(owner=personas["worker_a"]).uuid, "edu"]) not in body


def test_csc_operator_sees_which_schemes_a_worker_they_registered_can_apply_for(
        client, login, personas, district_a, mat_scheme):
    worker = active_worker(district=district_a, registered_by=personas["csc_a"])
    login(personas["csc_a"])
    body = client.get(LIST, {"worker": str(worker.uuid)}).content.decode()
    assert "This worker can apply." in body
    assert reverse("welfare:application_create", args=[worker.uuid, "mat"]) in body


def test_csc_operator_gets_404_for_the_eligibility_of_a_worker_they_did_not_register(
        client, login, personas, worker_b, mat_scheme):
    login(personas["csc_a"])
    assert client.get(LIST, {"worker": str(worker_b.uuid)}).status_code == 404


def test_state_admin_sees_inactive_schemes_and_the_new_scheme_button(client, login,
                                                                     personas):
    SchemeFactory(code="old", name_en="Closed scheme", is_active=False)
    login(personas["state_admin"])
    body = client.get(LIST).content.decode()
    assert "Closed scheme" in body and "Not accepting applications" in body
    assert CREATE in body


def test_state_admin_creates_a_scheme_with_slabs(client, login, personas):
    login(personas["state_admin"])
    response = client.post(CREATE, scheme_post())
    scheme = Scheme.objects.get(code="tool")
    assert response.status_code == 302 and response.url == scheme.get_absolute_url()
    assert scheme.amount is None and scheme.documents == ["tool_quotation"]
    assert scheme.opens_on.isoformat() == "2025-04-01"
    assert [(s.label_en, s.amount) for s in scheme.slabs.all()] == [
        ("Mason's tools", Decimal("3000")), ("Electrician's tools", Decimal("5000"))]
    assert AuditEvent.objects.filter(action=AuditEvent.Action.ADMIN,
                                     object_id=str(scheme.pk)).exists()


def test_scheme_without_an_amount_or_a_slab_is_refused_and_nothing_is_saved(client, login,
                                                                           personas):
    login(personas["state_admin"])
    response = client.post(CREATE, scheme_post(**{
        "slabs-0-label_en": "", "slabs-0-label_hi": "", "slabs-0-amount": "",
        "slabs-1-label_en": "", "slabs-1-label_hi": "", "slabs-1-amount": ""}))
    assert response.status_code == 200
    assert "Give the amount, or at least one slab with its amount." in response.content.decode()
    assert not Scheme.objects.filter(code="tool").exists()


def test_scheme_with_minimum_age_above_maximum_and_closing_before_opening_is_refused(
        client, login, personas):
    login(personas["state_admin"])
    response = client.post(CREATE, scheme_post(min_age="60", max_age="18",
                                                opens_on="01/04/2026", closes_on="31/03/2026"))
    body = response.content.decode()
    assert "The maximum age cannot be less than the minimum age." in body
    assert "The closing date cannot be before the opening date." in body
    assert not Scheme.objects.filter(code="tool").exists()


def test_state_admin_changes_a_slab_amount_and_removes_a_slab(client, login, personas,
                                                              edu_scheme):
    first, second = edu_scheme.slabs.all()
    login(personas["state_admin"])
    data = scheme_post(**{
        "code": None, "beneficiary": "child", "limit_scope": "beneficiary",
        "limit_period": "academic_year", "documents": ["school_certificate", "marksheet"],
        "slabs-TOTAL_FORMS": "2", "slabs-INITIAL_FORMS": "2",
        "slabs-0-id": str(first.pk), "slabs-0-label_en": "Class 1 to 5",
        "slabs-0-label_hi": "कक्षा 1 से 5", "slabs-0-amount": "1500",
        "slabs-1-id": str(second.pk), "slabs-1-label_en": "Class 9 to 10",
        "slabs-1-label_hi": "कक्षा 9 से 10", "slabs-1-amount": "3000", "slabs-1-DELETE": "on"})
    response = client.post(reverse("welfare:scheme_update", args=["edu"]), data)
    assert response.status_code == 302
    assert list(SchemeSlab.objects.filter(scheme=edu_scheme).values_list("pk", "amount")) == [
        (first.pk, Decimal("1500"))]


def test_labour_officer_cannot_open_the_scheme_form(client, login, personas, edu_scheme):
    login(personas["officer_a"])
    assert client.get(CREATE).status_code == 404
    assert client.get(reverse("welfare:scheme_update", args=["edu"])).status_code == 404


def test_worker_cannot_create_a_scheme(client, login, personas):
    login(personas["worker_a"])
    assert client.post(CREATE, scheme_post()).status_code == 404
    assert not Scheme.objects.filter(code="tool").exists()


def test_state_admin_opens_the_new_scheme_form_with_a_slab_row_to_fill(client, login,
                                                                       personas):
    login(personas["state_admin"])
    response = client.get(CREATE)
    body = response.content.decode()
    assert response.status_code == 200
    assert 'name="slabs-0-label_en"' in body and "slabs-__prefix__-amount" in body
    assert "core/js/formset.js" in body
