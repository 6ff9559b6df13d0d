"""The home page of each role, the language switch and the health check."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import check_for_language
from django.views import View
from django.views.generic import TemplateView

from core.home import home_context
from core.models import (
    AuditVerification,
    Block,
    District,
    State,
    Village,
    WorkerHeartbeat,
)
from core.roles import RoleCode
from core.selectors import district_list, user_roles_in_order, users_by_role_counts
from core.services import user_language_set


class HomeView(TemplateView):
    """The public landing page, or the logged-in user's home made for their roles."""

    def get_template_names(self):
        if self.request.user.is_authenticated:
            return ["core/home.html"]
        return ["core/landing.html"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        if not user.is_authenticated:
            return context
        roles = user_roles_in_order(user=user)
        context["roles"] = roles
        context["role_labels"] = [RoleCode(role).label for role in roles]
        context["districts"] = list(district_list(user=user)) if roles else []
        context.update(home_context(user=user, roles=roles))
        if RoleCode.STATE_ADMIN in roles:
            context["role_counts"] = [
                (RoleCode(code).label, count)
                for code, count in sorted(users_by_role_counts().items())
            ]
            context["audit_verification"] = AuditVerification.objects.first()
            context["geo_counts"] = {
                "states": State.objects.count(), "districts": District.objects.count(),
                "blocks": Block.objects.count(), "villages": Village.objects.count(),
            }
        return context


class LanguageSetView(View):
    """Switch the interface language; a logged-in user keeps it on their profile."""

    def post(self, request):
        from django.shortcuts import redirect
        from django.utils import translation

        language = request.POST.get("language", "")
        next_url = request.POST.get("next") or "/"
        if not url_has_allowed_host_and_scheme(next_url, {request.get_host()},
                                               request.is_secure()):
            next_url = "/"
        response = redirect(next_url)
        if language in dict(settings.LANGUAGES) and check_for_language(language):
            if request.user.is_authenticated:
                user_language_set(user=request.user, language=language)
            translation.activate(language)
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME, language, max_age=365 * 24 * 3600,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
                secure=settings.LANGUAGE_COOKIE_SECURE, httponly=False,
            )
        return response


def _check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def _check_cache() -> str:
    key = "health:probe"
    cache.set(key, "1", 10)
    return "ok" if cache.get(key) == "1" else "error"


def _check_broker() -> str:
    from labourportal.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return "ok"


def _check_worker() -> str:
    beat = WorkerHeartbeat.objects.filter(name="celery").first()
    if beat is None:
        return "no heartbeat yet"
    age = (timezone.now() - beat.seen_at).total_seconds()
    return "ok" if age <= settings.WORKER_HEARTBEAT_MAX_AGE else f"stale ({int(age)} s)"


class HealthView(View):
    """Report database, cache, broker and (where one should run) the Celery worker.

    Answers 200 when everything is ok and 503 otherwise; no personal data.
    """

    def get(self, request):
        checks = {"database": _check_database, "cache": _check_cache, "broker": _check_broker}
        if settings.HEALTH_CHECK_CELERY:
            checks["celery_worker"] = _check_worker
        results = {}
        for name, check in checks.items():
            try:
                results[name] = check()
            except Exception as exc:  # noqa: BLE001 - report, never crash the probe
                results[name] = f"error: {type(exc).__name__}"
        healthy = all(value == "ok" for value in results.values())
        response = JsonResponse({"status": "ok" if healthy else "error", "checks": results},
                                status=200 if healthy else 503)
        response["Cache-Control"] = "no-store"
        return response
