"""Refusals and sensitive reads are audited; a person sees who saw or changed their record."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from core.audit_chain import audit_seal
from core.models import AuditEvent, District
from core.roles import RoleCode as R
from core.selectors import record_access_events
from core.views.base import PortalDetailView, SensitiveReadMixin
from tests.core.test_audit_chain import superuser_sql

pytestmark = pytest.mark.django_db


class CaseView(SensitiveReadMixin, PortalDetailView):
    """A stand-in for an investigation page (the compliance app adds the real ones)."""

    model = District
    allowed_roles = {R.LABOUR_OFFICER}
    template_name = "core/district_detail.html"
    withhold_from_subject = True


def test_an_object_outside_scope_is_404_and_the_attempt_is_audited(client, login, personas,
                                                                   district_b):
    login(personas["officer_a"])
    assert client.get(reverse("core:district_detail", args=[district_b.pk])).status_code == 404
    refusal = AuditEvent.objects.get(action=AuditEvent.Action.REFUSAL)
    assert (refusal.actor, refusal.object_id) == (personas["officer_a"], str(district_b.pk))


def test_a_missing_object_is_not_recorded_as_a_refusal(client, login, personas):
    login(personas["officer_a"])
    client.get(reverse("core:district_detail", args=[987654]))
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.REFUSAL).exists()


def test_a_sensitive_read_is_audited_and_withheld_from_the_subject(personas, district_a):
    request = RequestFactory().get("/")
    request.user = personas["officer_a"]
    request.session = {}
    response = CaseView.as_view()(request, pk=district_a.pk)
    assert response.status_code == 200
    read = AuditEvent.objects.get(action=AuditEvent.Action.SENSITIVE_READ)
    assert read.is_withheld_from_subject and read.object_id == str(district_a.pk)
    assert list(record_access_events(obj=district_a)) == [read]
    assert list(record_access_events(obj=district_a, for_subject=True)) == []


def test_a_person_sees_who_viewed_and_changed_their_record(client, login, personas):
    worker = personas["worker_a"]
    login(personas["state_admin"])
    client.get(reverse("core:record_audit", args=["core.User", worker.pk]))
    worker.first_name = "Sunita"
    worker.save()
    AuditEvent.objects.create(action="sensitive_read", actor_label="investigator",
                              object_type="core.user", object_id=str(worker.pk),
                              is_withheld_from_subject=True)
    login(worker)
    page = client.get(reverse("core:my_record_history")).content.decode()
    assert "stateadmin" in page and "Sunita" in page
    assert "investigator" not in page


def test_record_audit_page_is_for_the_state_admin_only(client, login, personas):
    url = reverse("core:record_audit", args=["core.User", personas["worker_a"].pk])
    for persona in ("district_admin_a", "officer_a", "worker_a"):
        login(personas[persona])
        assert client.get(url).status_code == 404, persona
    login(personas["state_admin"])
    assert client.get(url).status_code == 200
    assert client.get(reverse("core:record_audit", args=["no.Model", 1])).status_code == 404


def test_record_audit_page_proves_the_rows_unaltered_and_flags_an_edit(client, login,
                                                                       personas):
    worker = personas["worker_a"]
    login(personas["state_admin"])
    url = reverse("core:record_audit", args=["core.User", worker.pk])
    client.get(url)
    audit_seal()
    context = client.get(url).context
    assert context["seal_status"]["altered"] == 0 and context["seal_status"]["intact"] >= 2
    superuser_sql("UPDATE core_auditevent SET actor_label = 'nobody' WHERE object_id = %s "
                  "AND action = 'sensitive_read'", [str(worker.pk)])
    assert client.get(url).context["seal_status"]["altered"] >= 1
