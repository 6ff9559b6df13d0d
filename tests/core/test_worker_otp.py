"""Workers log in with their mobile number and a one-time code."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEvent, OTPChallenge, User
from core.roles import RoleCode as R
from core.sms import CapturingSMSBackend

pytestmark = pytest.mark.django_db


def ask_code(client, mobile="9876543210", **extra):
    # The SMS leaves after the transaction commits.
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(reverse("core:worker_login"), {"mobile": mobile}, **extra)


def last_code() -> str:
    return re.search(r"\b(\d{6})\b", CapturingSMSBackend.outbox[-1].text).group(1)


def test_new_worker_gets_a_code_and_a_login(client):
    response = ask_code(client, "+91 98765 43210")
    assert response.status_code == 302
    assert CapturingSMSBackend.outbox[-1].mobile == "9876543210"
    response = client.post(reverse("core:worker_verify"), {"code": last_code()})
    assert response.status_code == 302
    user = User.objects.get(mobile="9876543210")
    assert user.role_codes == {R.WORKER}
    assert client.get(reverse("core:home")).context["user"] == user


def test_known_worker_logs_in_to_the_same_account(client, personas):
    ask_code(client, "9876500001")
    client.post(reverse("core:worker_verify"), {"code": last_code()})
    assert client.get(reverse("core:home")).context["user"] == personas["worker_a"]
    assert User.objects.filter(mobile="9876500001").count() == 1


def test_known_and_unknown_numbers_get_the_same_screens(client, personas):
    known = ask_code(client, "9876500001")
    known_page = client.get(reverse("core:worker_verify")).content.decode()
    client.logout()
    unknown = ask_code(client, "9123456789")
    unknown_page = client.get(reverse("core:worker_verify")).content.decode()
    assert known.status_code == unknown.status_code == 302
    def without_csrf(page):
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)

    assert without_csrf(known_page).replace("0001", "6789") == without_csrf(unknown_page)


@pytest.mark.parametrize("bad", ["12345", "5876543210", "98765432101", "abcdefghij", ""])
def test_invalid_mobile_numbers_get_a_clear_message_and_no_sms(client, bad):
    response = ask_code(client, bad)
    assert response.status_code == 200
    assert "10-digit Indian mobile number" in response.content.decode() or \
        "required" in response.content.decode()
    assert CapturingSMSBackend.outbox == []


def test_wrong_code_is_refused_and_counted(client):
    ask_code(client)
    response = client.post(reverse("core:worker_verify"), {"code": "000000"
                           if last_code() != "000000" else "111111"})
    assert "not right" in response.content.decode()
    assert OTPChallenge.objects.get().attempts == 1
    assert AuditEvent.objects.filter(action=AuditEvent.Action.OTP_FAILED).count() == 1
    assert not User.objects.filter(mobile="9876543210").exists()


def test_code_is_single_use(client):
    ask_code(client)
    code = last_code()
    client.post(reverse("core:worker_verify"), {"code": code})
    client.logout()
    session = client.session
    session["worker_otp_challenge"] = {"id": str(OTPChallenge.objects.get().id),
                                       "mobile": "9876543210"}
    session.save()
    response = client.post(reverse("core:worker_verify"), {"code": code})
    assert "not right" in response.content.decode()


def test_code_expires_after_ten_minutes(client):
    ask_code(client)
    code = last_code()
    with time_machine.travel(timezone.now() + timedelta(minutes=10, seconds=1)):
        response = client.post(reverse("core:worker_verify"), {"code": code})
    assert "expired" in response.content.decode()
    assert not User.objects.filter(mobile="9876543210").exists()


def test_code_is_bound_to_the_browser_that_asked(client, django_user_model):
    from django.test import Client

    ask_code(client)
    code = last_code()
    other = Client()
    response = other.post(reverse("core:worker_verify"), {"code": code})
    assert response.status_code == 302 and response.url == reverse("core:worker_login")
    assert not User.objects.filter(mobile="9876543210").exists()


def test_five_wrong_codes_lock_the_challenge(client):
    ask_code(client)
    right = last_code()
    wrong = "000000" if right != "000000" else "111111"
    for _ in range(5):
        client.post(reverse("core:worker_verify"), {"code": wrong})
    response = client.post(reverse("core:worker_verify"), {"code": right})
    assert "Too many wrong codes" in response.content.decode()
    assert not User.objects.filter(mobile="9876543210").exists()


def test_codes_per_number_are_rate_limited(client):
    for _ in range(3):
        assert ask_code(client).status_code == 302
    response = ask_code(client)
    assert response.status_code == 200
    assert "Too many codes" in response.content.decode()
    assert len(CapturingSMSBackend.outbox) == 3


def test_codes_per_address_are_rate_limited_across_numbers(client, settings):
    settings.OTP_RATE_LIMITS = {**settings.OTP_RATE_LIMITS, "otp_send": "3/10m/key,4/m/ip"}
    for n in range(4):
        assert ask_code(client, f"98765000{n + 10}").status_code == 302
    assert "Too many codes" in ask_code(client, "9876500099").content.decode()


def test_staff_number_cannot_log_in_by_worker_otp(client, personas):
    officer = personas["officer_a"]
    officer.mobile = "9811111111"
    officer.save()
    ask_code(client, "9811111111")
    response = client.post(reverse("core:worker_verify"), {"code": last_code()})
    assert "office account" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_sms_and_audit_never_hold_the_code_in_the_database(client):
    ask_code(client)
    code = last_code()
    challenge = OTPChallenge.objects.get()
    assert code not in challenge.code_hash
    for event in AuditEvent.objects.all():
        assert code not in str(event.detail) + event.summary
        assert "9876543210" not in event.summary + event.actor_label
