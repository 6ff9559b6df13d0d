"""Worker login by mobile number and one-time code (staff use allauth's pages).

The same screens answer for a known and an unknown number: a worker who has
no login yet gets one when the code is right, and nobody can learn from these
pages whether a number is registered.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import FormView

from core.forms import CodeForm, MobileForm
from core.models import OTPChallenge, User
from core.otp import otp_send, otp_verify
from core.roles import RoleCode
from core.services import user_role_grant
from core.sms import mask_mobile

SESSION_KEY = "worker_otp_challenge"


@transaction.atomic
def worker_login_user_get_or_create(*, mobile: str, language: str) -> User | None:
    """Return the worker login of ``mobile``, creating it; None if the number is staff's."""
    user = User.objects.filter(mobile=mobile).first()
    if user is None:
        user = User(username=f"m{mobile}", mobile=mobile, preferred_language=language)
        user.set_unusable_password()
        user.save()
        user_role_grant(actor=None, user=user, role=RoleCode.WORKER)
        return user
    if not user.has_role(RoleCode.WORKER) or user.role_codes - {RoleCode.WORKER}:
        return None  # worker OTP login is refused to staff, operators and employers
    return user


class WorkerLoginView(FormView):
    template_name = "core/worker_login.html"
    form_class = MobileForm

    def form_valid(self, form):
        mobile = form.cleaned_data["mobile"]
        try:
            challenge = otp_send(request=self.request, mobile=mobile,
                                 purpose=OTPChallenge.Purpose.LOGIN)
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        self.request.session[SESSION_KEY] = {"id": str(challenge.id), "mobile": mobile}
        return redirect("core:worker_verify")


class WorkerVerifyView(FormView):
    template_name = "core/worker_verify.html"
    form_class = CodeForm

    def dispatch(self, request, *args, **kwargs):
        if SESSION_KEY not in request.session:
            return redirect("core:worker_login")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        pending = self.request.session.get(SESSION_KEY, {})
        context["masked_mobile"] = mask_mobile(pending.get("mobile", ""))
        if settings.DEBUG:
            context["dev_code"] = self.request.session.get("dev_last_otp")
        return context

    def form_valid(self, form):
        pending = self.request.session[SESSION_KEY]
        try:
            otp_verify(request=self.request, challenge_id=pending["id"],
                       code=form.cleaned_data["code"], purpose=OTPChallenge.Purpose.LOGIN)
        except ValidationError as exc:
            form.add_error("code", exc)
            return self.form_invalid(form)
        language = getattr(self.request, "LANGUAGE_CODE", settings.LANGUAGE_CODE)
        user = worker_login_user_get_or_create(mobile=pending["mobile"], language=language)
        del self.request.session[SESSION_KEY]
        if user is None:
            form.add_error(None, _("This number belongs to an office account. "
                                   "Please log in with your username and password."))
            return self.form_invalid(form)
        login(self.request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(self.request, _("You are logged in."))
        return redirect("core:home")
