"""Middleware: the user's language, staff second factor, audit context, no-store."""

from allauth.account.authentication import get_authentication_records
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from pghistory.middleware import HistoryMiddleware

from core.audit import client_ip


class UserLanguageMiddleware:
    """Use the language saved on a logged-in user's profile (it follows them)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.preferred_language:
            translation.activate(user.preferred_language)
            request.LANGUAGE_CODE = user.preferred_language
        return self.get_response(request)


# Paths a staff user without a second factor may still open: setting one up (which
# may ask for the password again), logging out, static files, health, language.
MFA_EXEMPT_PREFIXES = ("/accounts/2fa/totp/activate/", "/accounts/2fa/authenticate/",
                       "/accounts/logout/", "/accounts/reauthenticate/",
                       "/static/", "/health/", "/language/")


def user_requires_mfa(user) -> bool:
    """Return whether any role the user holds requires a second factor."""
    from core.models import UserRole

    if not hasattr(user, "_requires_mfa"):
        user._requires_mfa = UserRole.objects.filter(
            user_id=user.pk, role__requires_mfa=True
        ).exists()
    return user._requires_mfa


def session_used_mfa(request) -> bool:
    records = get_authentication_records(request, request.user)
    return any(record.get("method") == "mfa" for record in records)


class StaffMFAMiddleware:
    """Enforce a second factor for staff roles on every path (DECISIONS).

    allauth asks for the code at login when the user has an authenticator; this
    closes the other doors: a staff user with no authenticator is sent to set
    one up, and a session that logged in without the second factor (any other
    login path) is ended.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (user.is_authenticated and not request.path.startswith(MFA_EXEMPT_PREFIXES)
                and user_requires_mfa(user) and not session_used_mfa(request)):
            from allauth.mfa.models import Authenticator

            if Authenticator.objects.filter(user=user,
                                            type=Authenticator.Type.TOTP).exists():
                logout(request)
                return redirect(f"{reverse('account_login')}?next={request.path}")
            return redirect("mfa_activate_totp")
        return self.get_response(request)


class AuditContextMiddleware(HistoryMiddleware):
    """Attach user, client IP, method and path to every row change in the request."""

    def get_context(self, request):
        context = super().get_context(request)
        context["ip"] = client_ip(request)
        context["method"] = request.method
        return context


class NoStoreMiddleware:
    """Keep personal pages out of shared (CSC) computers' caches; wipe on logout."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        was_authenticated = request.user.is_authenticated
        response = self.get_response(request)
        if was_authenticated or request.user.is_authenticated:
            response["Cache-Control"] = "no-store"
        if request.path == reverse("account_logout") and request.method == "POST":
            response["Clear-Site-Data"] = '"cache", "cookies", "storage"'
        return response
