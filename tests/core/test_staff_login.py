"""Staff log in with a password and a second factor; brute force locks out."""

import pytest
from django.urls import reverse

from core.models import AuditEvent
from tests.conftest import PASSWORD, add_totp, current_totp

pytestmark = pytest.mark.django_db


def password_login(client, login, password=PASSWORD, **extra):
    return client.post(reverse("account_login"), {"login": login, "password": password},
                       **extra)


def test_officer_logs_in_with_password_and_totp(client, personas):
    officer = add_totp(personas["officer_a"])
    response = password_login(client, "officer.a")
    assert response.status_code == 302 and response.url == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    response = client.post(reverse("mfa_authenticate"), {"code": current_totp()})
    assert response.status_code == 302
    assert client.get(reverse("core:home")).context["user"] == officer


def test_wrong_totp_keeps_the_officer_out(client, personas):
    add_totp(personas["officer_a"])
    password_login(client, "officer.a")
    code = current_totp()
    wrong = "000000" if code != "000000" else "111111"
    response = client.post(reverse("mfa_authenticate"), {"code": wrong})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_staff_without_a_second_factor_must_set_one_up_before_anything_else(client, personas):
    password_login(client, "officer.a")
    response = client.get(reverse("core:home"))
    assert response.status_code == 302 and response.url == reverse("mfa_activate_totp")
    response = client.get(reverse("core:auditevent_list"))
    assert response.url == reverse("mfa_activate_totp")


def test_a_session_without_the_second_factor_is_ended(client, personas):
    officer = add_totp(personas["officer_a"])
    client.force_login(officer)  # any login path that skipped the second factor
    response = client.get(reverse("core:home"))
    assert response.status_code == 302 and reverse("account_login") in response.url
    assert "_auth_user_id" not in client.session


def test_workers_and_employers_need_no_second_factor(client, personas):
    client.force_login(personas["employer_a"])
    assert client.get(reverse("core:home")).status_code == 200


def test_admin_logs_in_through_the_portal_login(client, personas):
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("account_login"))
    assert client.get("/admin/login/").url.startswith(reverse("account_login"))


def test_admin_is_for_the_state_admin_only(client, login, personas):
    login(personas["district_admin_a"])
    assert client.get("/admin/").status_code == 302
    login(personas["state_admin"])
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/core/user/").status_code == 200


def test_failed_logins_are_audited_without_the_password(client, personas):
    password_login(client, "officer.a", password="Wrong-Password-1")
    event = AuditEvent.objects.get(action=AuditEvent.Action.LOGIN_FAILED)
    assert event.actor_label == "officer.a"
    assert "Wrong-Password-1" not in str(event.detail) + event.summary


def test_five_wrong_passwords_lock_the_account_from_that_address(client, personas):
    add_totp(personas["officer_a"])
    for _ in range(5):
        password_login(client, "officer.a", password="Wrong-Password-1")
    response = password_login(client, "officer.a")
    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()


def test_lockout_from_one_address_does_not_lock_out_the_victim_elsewhere(client, personas,
                                                                         settings):
    settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER = "X-Real-IP"
    add_totp(personas["officer_a"])
    for _ in range(6):
        password_login(client, "officer.a", password="Wrong-Password-1",
                       HTTP_X_REAL_IP="203.0.113.9")
    response = password_login(client, "officer.a", HTTP_X_REAL_IP="198.51.100.7")
    assert response.status_code == 302 and response.url == reverse("mfa_authenticate")


def test_login_and_logout_are_audited_with_the_client_address(client, personas, settings):
    settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER = "X-Real-IP"
    add_totp(personas["officer_a"])
    password_login(client, "officer.a", HTTP_X_REAL_IP="198.51.100.7")
    client.post(reverse("mfa_authenticate"), {"code": current_totp()},
                HTTP_X_REAL_IP="198.51.100.7")
    login_event = AuditEvent.objects.get(action=AuditEvent.Action.LOGIN)
    assert login_event.actor == personas["officer_a"]
    assert login_event.ip_address == "198.51.100.7"
    response = client.post(reverse("account_logout"))
    assert AuditEvent.objects.filter(action=AuditEvent.Action.LOGOUT).exists()
    assert "cookies" in response["Clear-Site-Data"]


def signup(client, email):
    return client.post(reverse("account_signup"), {
        "email": email, "password1": "Strong-Pass-2026", "password2": "Strong-Pass-2026"})


def test_employer_signs_up_with_email_and_password_and_gets_the_employer_role(client, db):
    response = signup(client, "owner@factory.example")
    assert response.status_code == 302
    from core.models import User
    from core.roles import RoleCode as R

    assert User.objects.get(email="owner@factory.example").role_codes == {R.EMPLOYER}


def test_sign_up_answers_the_same_for_a_known_email(client, personas):
    from django.test import Client

    new = signup(client, "new-owner@factory.example")
    known = signup(Client(), personas["employer_a"].email)
    assert new.status_code == known.status_code == 302
    assert new.url == known.url


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_setting_up_totp_keeps_the_session_going(client, personas):
    # Transactional: allauth's after-commit signal then runs inside the request, as live.
    from allauth.mfa.models import Authenticator

    password_login(client, "officer.a")
    response = client.get(reverse("mfa_activate_totp"))
    # allauth asks for the password again before a second factor is added.
    assert response.url.startswith(reverse("account_reauthenticate"))
    client.post(response.url, {"password": PASSWORD})
    client.get(reverse("mfa_activate_totp"))
    secret = client.session["mfa.totp.secret"]
    response = client.post(reverse("mfa_activate_totp"), {"code": current_totp(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=personas["officer_a"]).exists()
    assert client.get(reverse("core:home")).status_code == 200


def test_a_session_without_the_second_factor_cannot_remove_it(client, personas):
    officer = add_totp(personas["officer_a"])
    client.force_login(officer)
    response = client.get(reverse("mfa_deactivate_totp"))
    assert response.status_code == 302 and reverse("account_login") in response.url
