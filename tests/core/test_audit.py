"""Every change is kept with who, when, from where and what changed."""

import pghistory.models
import pytest
from django.urls import reverse

from core.audit import REDACTED, audit_event_record, scrub
from core.models import AuditEvent, District
from core.selectors import object_history

pytestmark = pytest.mark.django_db


def test_a_row_change_in_a_request_is_kept_with_user_ip_and_diff(client, login, personas,
                                                                 settings):
    settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER = "X-Real-IP"
    admin = personas["state_admin"]
    login(admin)
    worker = personas["worker_a"]
    response = client.post(f"/admin/core/user/{worker.pk}/change/", {
        "username": worker.username, "first_name": "Ramesh", "last_name": "Kumar",
        "email": "", "mobile": worker.mobile, "preferred_language": "hi",
        "operator_id": "", "home_district": "", "is_active": "on",
        "role_links-TOTAL_FORMS": "0", "role_links-INITIAL_FORMS": "0",
        "district_links-TOTAL_FORMS": "0", "district_links-INITIAL_FORMS": "0",
    }, HTTP_X_REAL_IP="198.51.100.20")
    assert response.status_code == 302, response.content.decode()[:2000]
    change = object_history(obj=worker).filter(pgh_label="update").first()
    assert change.pgh_diff["first_name"] == ["", "Ramesh"]
    assert change.pgh_context["user"] == admin.pk
    assert change.pgh_context["ip"] == "198.51.100.20"
    assert change.pgh_context["url"].startswith("/admin/core/user/")


def test_bulk_updates_outside_requests_are_caught_too(district_a):
    District.objects.filter(pk=district_a.pk).update(name_hi="रायपुर")
    labels = list(object_history(obj=district_a).values_list("pgh_label", flat=True))
    assert labels[0] == "update"


def test_passwords_never_enter_the_row_history(personas):
    user = personas["officer_a"]
    user.set_password("Another-Secret-77")
    user.save()
    for event in pghistory.models.Events.objects.tracks(user):
        assert "password" not in event.pgh_data
        assert "Another-Secret-77" not in str(event.pgh_data)


def test_sensitive_keys_are_redacted_from_event_detail(personas):
    event = audit_event_record(action="export", actor=personas["state_admin"],
                               detail={"aadhaar": "234123412346", "rows": 5,
                                       "nested": {"otp_code": "123456", "bank": {
                                           "account_number": "123"}}})
    assert event.detail == {"aadhaar": REDACTED, "rows": 5,
                            "nested": {"otp_code": REDACTED,
                                       "bank": {"account_number": REDACTED}}}
    assert scrub(["x", {"password": "p"}]) == ["x", {"password": REDACTED}]
    assert scrub({"lgd_code": 387, "code": "123456"}) == {"lgd_code": 387, "code": REDACTED}


def test_a_refused_page_is_audited(client, login, personas):
    login(personas["worker_a"])
    response = client.get(reverse("core:auditevent_list"))
    assert response.status_code == 404
    assert AuditEvent.objects.filter(action=AuditEvent.Action.REFUSAL,
                                     actor=personas["worker_a"]).exists()


def test_an_export_is_audited_with_its_row_count_and_filter(client, login, personas):
    for n in range(3):
        AuditEvent.objects.create(action="otp_sent", actor_label=f"someone{n}")
    login(personas["state_admin"])
    response = client.get(reverse("core:auditevent_list"), {"action": "otp_sent",
                                                            "export": "csv"})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert body.count("\n") == 4  # header + 3 rows
    export = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert export.detail["rows"] == 3
    assert export.detail["filter"] == {"action": "otp_sent"}


def test_excel_export_downloads_a_workbook(client, login, personas):
    login(personas["state_admin"])
    response = client.get(reverse("core:auditevent_list"), {"export": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response.content[:2] == b"PK"


def test_state_admin_searches_the_trail_by_user(client, login, personas):
    AuditEvent.objects.create(action="login", actor_label="officer.a", summary="alpha")
    AuditEvent.objects.create(action="login", actor_label="csc.b", summary="beta")
    login(personas["state_admin"])
    page = client.get(reverse("core:auditevent_list"), {"user": "officer"}).content.decode()
    assert "alpha" in page and "beta" not in page


def test_district_admin_sees_only_their_districts_events_even_in_exports(
        client, login, personas, district_a, district_b):
    AuditEvent.objects.create(action="export", district=district_a, summary="in-a")
    AuditEvent.objects.create(action="export", district=district_b, summary="in-b")
    login(personas["district_admin_a"])
    page = client.get(reverse("core:auditevent_list")).content.decode()
    assert "in-a" in page and "in-b" not in page
    body = b"".join(client.get(reverse("core:auditevent_list"),
                               {"export": "csv"}).streaming_content).decode()
    assert "in-a" in body and "in-b" not in body


def test_row_history_page_is_for_the_state_admin_only(client, login, personas):
    login(personas["district_admin_a"])
    assert client.get(reverse("core:rowchange_list")).status_code == 404
    login(personas["state_admin"])
    assert client.get(reverse("core:rowchange_list")).status_code == 200


def test_district_page_shows_its_history(client, login, personas, district_a):
    District.objects.filter(pk=district_a.pk).update(name_hi="रायपुर")
    login(personas["officer_a"])
    page = client.get(reverse("core:district_detail", args=[district_a.pk])).content.decode()
    assert "History of this record" in page and "रायपुर" in page


def test_audit_list_query_count_does_not_grow_with_rows(client, login, personas,
                                                       django_assert_max_num_queries):
    for n in range(40):
        AuditEvent.objects.create(action="login", actor=personas["officer_a"],
                                  actor_label=f"u{n}")
    login(personas["state_admin"])
    with django_assert_max_num_queries(12):
        client.get(reverse("core:auditevent_list"))
