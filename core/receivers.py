"""Signal receivers that turn logins, failed logins and logouts into audit events."""

from allauth.mfa.signals import authenticator_added
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from core.audit import audit_event_record
from core.models import AuditEvent


@receiver(user_logged_in)
def audit_login(sender, request, user, **kwargs):
    audit_event_record(action=AuditEvent.Action.LOGIN, request=request, actor=user,
                       obj=user, summary="logged in")


@receiver(user_login_failed)
def audit_login_failed(sender, credentials, request=None, **kwargs):
    # Django has already replaced the password with asterisks; keep only the login.
    login = str(credentials.get("username") or credentials.get("email") or "")[:150]
    audit_event_record(action=AuditEvent.Action.LOGIN_FAILED, request=request,
                       actor_label=login, summary="failed login")


@receiver(user_logged_out)
def audit_logout(sender, request, user, **kwargs):
    if user is not None:
        audit_event_record(action=AuditEvent.Action.LOGOUT, request=request, actor=user,
                           obj=user, summary="logged out")


@receiver(authenticator_added)
def mark_session_second_factor(sender, request, user, authenticator, **kwargs):
    """A staff user who just set up TOTP has proved the code: let the session go on."""
    from allauth.account.internal.flows.login import record_authentication

    record_authentication(request, user, method="mfa", type=authenticator.type)
    audit_event_record(action=AuditEvent.Action.ADMIN, request=request, actor=user, obj=user,
                       summary=f"second factor added ({authenticator.type})")
