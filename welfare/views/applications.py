"""Views of applications: apply, lists and the officer's queue, the page, actions, documents."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.decorators.debug import sensitive_post_parameters
from django.views.generic import FormView, TemplateView

from core.audit import audit_event_record
from core.models import AuditEvent
from core.roles import STAFF_ROLES
from core.roles import RoleCode as R
from core.scoping import can_see_model, scoped
from core.views.base import (
    PortalListView,
    RoleRequiredMixin,
    private_file_response,
    scoped_object_or_404,
)
from registration import selectors as registration_selectors
from registration.models import Worker
from welfare import selectors, services
from welfare.bankfiles import failure_reason
from welfare.filters import ApplicationFilter
from welfare.forms import applications as forms
from welfare.models import Application, ApplicationDocument, Scheme
from welfare.rules import eligibility_check

A = Application.Status
OFFICERS = {R.LABOUR_OFFICER, R.DISTRICT_ADMIN, R.STATE_ADMIN}
# Who may apply: the worker for their own profile, an operator for the workers they
# registered, an officer for the workers of their districts (scoping decides which).
APPLICANTS = {R.WORKER, R.CSC_OPERATOR, R.LABOUR_OFFICER, R.STATE_ADMIN}
# Every role that core scoping lets see some applications.
APPLICATION_VIEWERS = OFFICERS | {R.WORKER, R.CSC_OPERATOR, R.ACCOUNTS_MAKER,
                                  R.ACCOUNTS_CHECKER}
RESUBMITTERS = {R.WORKER, R.CSC_OPERATOR}
sensitive_post = method_decorator(
    sensitive_post_parameters("account_number", "account_number_again"), name="dispatch")


def _date(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "hour"):
        value = timezone.localtime(value)
    return value.strftime("%d/%m/%Y")


def _application_export_columns():
    # No Aadhaar, ever; the bank account only as its last four digits.
    return [
        (_("Application number"), lambda a: a.number),
        (_("Scheme"), lambda a: a.scheme.code.upper()),
        (_("Scheme name"), lambda a: a.scheme.name_en),
        (_("Registration number"), lambda a: a.worker.registration_number or ""),
        (_("Worker"), lambda a: a.worker.display_name),
        (_("Beneficiary"), lambda a: a.beneficiary_name),
        (_("Slab"), lambda a: a.slab.label_en if a.slab else ""),
        (_("District"), lambda a: a.district.name_en),
        (_("Applied through"), lambda a: a.get_channel_display()),
        (_("Status"), lambda a: a.get_status_display()),
        (_("Amount claimed"), lambda a: a.amount_claimed),
        (_("Amount sanctioned"), lambda a: a.amount_sanctioned or ""),
        (_("Submitted on"), lambda a: _date(a.submitted_at)),
        (_("Verified on"), lambda a: _date(a.verified_at)),
        (_("Sanctioned on"), lambda a: _date(a.sanctioned_at)),
        (_("Paid on"), lambda a: _date(a.paid_on)),
        (_("UTR"), lambda a: a.utr),
        (_("Bank account"), lambda a: a.worker.bank_account_masked),
        (_("IFSC"), lambda a: a.worker.ifsc),
    ]


# --- Applying ------------------------------------------------------------------------


def _channel(user, worker: Worker) -> str:
    if worker.owner_id == user.pk:
        return Application.Channel.SELF
    if user.has_role(R.LABOUR_OFFICER, R.STATE_ADMIN):
        return Application.Channel.OFFICER
    return Application.Channel.CSC


class ApplyView(RoleRequiredMixin, FormView):
    """Apply under one scheme for one worker: the engine's reasons first, then the form."""

    allowed_roles = APPLICANTS
    template_name = "welfare/application_form.html"
    form_class = forms.ApplyForm

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and user.has_role(*self.allowed_roles):
            # DECISIONS wants a consent OTP before an operator applies for a worker outside
            # their scope; that is not built, so such a worker is not found (404).
            self.worker = scoped_object_or_404(
                request, registration_selectors.worker_list(user=user)
                .prefetch_related("family"), uuid=kwargs["worker"])
            self.scheme = Scheme.objects.filter(code=kwargs["code"]).prefetch_related(
                "slabs").first()
            if self.scheme is None:
                raise Http404
            self.family = list(self.worker.family.all())
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(scheme=self.scheme, family=self.family)
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["worker"] = self.worker
        context["scheme"] = self.scheme
        context["reasons"] = eligibility_check(scheme=self.scheme, worker=self.worker,
                                               is_complete=False).reasons
        context["is_self"] = self.worker.owner_id == self.request.user.pk
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        member = data.get("family_member")
        slab = data.get("slab")
        try:
            application = services.application_submit(
                actor=self.request.user, worker_id=self.worker.pk, scheme_id=self.scheme.pk,
                channel=_channel(self.request.user, self.worker),
                family_member_id=member.pk if member else None,
                slab_id=slab.pk if slab else None, documents=data["documents"],
                request=self.request)
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Application submitted. The application number is "
                                         "%(number)s; keep it.") % {"number": application.number})
        return redirect(reverse("welfare:application_detail", args=[application.uuid])
                        + "?submitted=1")


# --- Lists ------------------------------------------------------------------------------


class ApplicationListView(PortalListView):
    """The applications one may see: a worker's own, an operator's, a district's."""

    allowed_roles = APPLICATION_VIEWERS
    model = Application
    filterset_class = ApplicationFilter
    template_name = "welfare/application_list.html"
    export_name = "applications"
    is_queue = False

    @property
    def export_columns(self):
        return _application_export_columns()

    def get_base_queryset(self):
        return selectors.application_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["is_worker_view"] = user.has_role(R.WORKER) and not user.has_role(
            *STAFF_ROLES)
        if self.is_queue:
            context["title"] = _("Applications awaiting you")
        elif context["is_worker_view"]:
            context["title"] = _("My applications")
        else:
            context["title"] = _("Applications")
        context["is_queue"] = self.is_queue
        context["is_officer"] = user.has_role(*OFFICERS)
        today = timezone.localdate()
        for application in context["object_list"]:
            application.days_waiting = (today - timezone.localtime(
                application.submitted_at).date()).days
        return context


class ApplicationQueueView(ApplicationListView):
    """Applications awaiting verification or sanction, oldest first, with days waiting."""

    allowed_roles = OFFICERS
    export_name = "application-queue"
    is_queue = True

    def get_base_queryset(self):
        return selectors.application_queue(user=self.request.user)

    def get_queryset(self):
        return super().get_queryset().order_by("submitted_at", "pk")


# --- One application ------------------------------------------------------------------


class ApplicationMixin(RoleRequiredMixin):
    """Load the application named in the URL through the user's scope (404 otherwise)."""

    allowed_roles = APPLICATION_VIEWERS

    def dispatch(self, request, *args, **kwargs):
        # The role check comes first: a refused role is not told whether the record exists.
        if request.user.is_authenticated and request.user.has_role(*self.allowed_roles):
            self.application = scoped_object_or_404(
                request, selectors.application_detail_list(user=request.user),
                uuid=kwargs["uuid"])
        return super().dispatch(request, *args, **kwargs)


class ApplicationDetailView(ApplicationMixin, TemplateView):
    """The application: claim, stages, documents, payments, and the actions one may take."""

    template_name = "welfare/application_detail.html"

    def action_forms(self) -> dict:
        """Return the unbound form of each action this user may take now."""
        application, user = self.application, self.request.user
        actions = {}
        if user.has_role(*OFFICERS):
            if application.status == A.SUBMITTED:
                actions["verify"] = forms.VerifyForm()
            if application.status == A.VERIFIED:
                actions["sanction"] = forms.SanctionForm(
                    initial={"amount": application.amount_claimed})
            if application.status in (A.SUBMITTED, A.VERIFIED):
                actions["send_back"] = forms.ReasonForm(prefix="send_back")
            if application.status in (A.SUBMITTED, A.VERIFIED, A.SENT_BACK):
                actions["reject"] = forms.ReasonForm(prefix="reject")
            if application.status == A.PAYMENT_FAILED:
                actions["payment_retry"] = forms.PaymentRetryForm()
        if application.status == A.SENT_BACK and user.has_role(*RESUBMITTERS):
            actions["resubmit"] = forms.ResubmitForm(scheme=application.scheme)
        return actions

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        application, user = self.application, self.request.user
        actions = self.action_forms()
        actions.update(kwargs.get("bound_actions", {}))
        context["application"] = application
        context["actions"] = actions
        context["is_staff"] = bool(set(user.role_codes) & set(STAFF_ROLES))
        # Those who may open the worker's registration (accounts staff may not).
        context["can_open_worker"] = user.has_role(R.CSC_OPERATOR, *OFFICERS)
        # The worker sees the steps and dates, not the names of the officers who took them.
        context["show_actors"] = context["is_staff"] and application.worker.owner_id != user.pk
        context["transitions"] = list(application.transitions.all())
        # Accounts staff pay applications; the family's certificates are not theirs to see.
        context["documents"] = (list(application.documents.all())
                                if can_see_model(self.request.user, ApplicationDocument) else [])
        context["documents_hidden"] = not can_see_model(self.request.user, ApplicationDocument)
        lines = list(application.payment_lines.all())
        for line in lines:
            line.failure_reason = failure_reason(line.failure_code)
        context["payment_lines"] = lines
        context["failure_reason"] = failure_reason(application.failure_code)
        if "sanction" in actions:
            context["sanction_limit"] = services.sanction_limit(user)
            context["has_sanction_limit"] = context["sanction_limit"] is not None
        context["just_submitted"] = self.request.GET.get("submitted") == "1"
        return context


class ApplicationActionView(ApplicationDetailView):
    """One action on the application (a POST): validate, call one service, show the result.

    On a bad entry or a refusal, the application's page is shown again with the
    action's form and its messages.
    """

    action = ""
    allowed_roles = OFFICERS
    done_message = ""
    form_prefix = None
    http_method_names = ["post"]

    def get_action_form(self):
        return self.form_class(self.request.POST, self.request.FILES, prefix=self.form_prefix)

    def perform(self, form):
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        # The stage is the service's to check: a repeated step (a double tap on a slow
        # network) is a no-op there, a step from the wrong stage is refused with a message.
        form = self.get_action_form()
        if form.is_valid():
            try:
                self.perform(form)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, self.done_message)
                return redirect(self.application)
        return self.render_to_response(self.get_context_data(
            bound_actions={self.action: form}))


class VerifyView(ApplicationActionView):
    action = "verify"
    form_class = forms.VerifyForm
    done_message = _("Application verified; it now awaits sanction.")

    def perform(self, form):
        services.application_verify(actor=self.request.user,
                                    application_id=self.application.pk, request=self.request)


class SanctionView(ApplicationActionView):
    action = "sanction"
    form_class = forms.SanctionForm
    done_message = _("Application sanctioned; it will be paid in the next payment batch.")

    def perform(self, form):
        services.application_sanction(actor=self.request.user,
                                      application_id=self.application.pk,
                                      amount=form.cleaned_data["amount"], request=self.request)


class SendBackView(ApplicationActionView):
    action = "send_back"
    form_class = forms.ReasonForm
    form_prefix = "send_back"
    done_message = _("Sent back to the worker with your reason.")

    def perform(self, form):
        services.application_send_back(actor=self.request.user,
                                       application_id=self.application.pk,
                                       reason=form.cleaned_data["reason"], request=self.request)


class RejectView(ApplicationActionView):
    action = "reject"
    form_class = forms.ReasonForm
    form_prefix = "reject"
    done_message = _("Application rejected; the worker is told the reason.")

    def perform(self, form):
        services.application_reject(actor=self.request.user,
                                    application_id=self.application.pk,
                                    reason=form.cleaned_data["reason"], request=self.request)


@sensitive_post
class PaymentRetryView(ApplicationActionView):
    action = "payment_retry"
    form_class = forms.PaymentRetryForm
    done_message = _("The application will be paid again in the next payment batch.")

    def perform(self, form):
        data = form.cleaned_data
        services.application_payment_retry(
            actor=self.request.user, application_id=self.application.pk,
            reason=data["reason"], account_number=data["account_number"], ifsc=data["ifsc"],
            account_holder=data["account_holder"], request=self.request)


class ResubmitView(ApplicationActionView):
    action = "resubmit"
    allowed_roles = RESUBMITTERS
    done_message = _("Application sent for verification again.")

    def get_action_form(self):
        return forms.ResubmitForm(self.request.POST, self.request.FILES,
                                  scheme=self.application.scheme)

    def perform(self, form):
        services.application_resubmit(actor=self.request.user,
                                      application_id=self.application.pk,
                                      documents=form.cleaned_data["documents"],
                                      request=self.request)


class ApplicationDocumentView(ApplicationMixin, View):
    """Serve an application's document, only to someone who may see the application."""

    def get(self, request, uuid, document):
        # The document's own scope: accounts staff see applications to pay them, not
        # the family's certificates.
        doc = scoped_object_or_404(request, scoped(request.user, ApplicationDocument),
                                   application=self.application, uuid=document)
        if not doc.file:
            raise Http404
        extension = doc.file.name.rsplit(".", 1)[-1]
        response = private_file_response(
            doc.file, content_type=doc.content_type,
            filename=f"{self.application.number}-{doc.kind}.{extension}")
        # Certificates of a worker's family are sensitive: a read by anyone but the
        # worker is kept (as for registration documents).
        if self.application.worker.owner_id != request.user.pk:
            audit_event_record(action=AuditEvent.Action.SENSITIVE_READ, request=request,
                               obj=doc, district=self.application.district,
                               summary=f"application document downloaded ({doc.kind})")
        return response


urls = [
    path("apply/<uuid:worker>/<slug:code>/", ApplyView.as_view(), name="application_create"),
    path("applications/", ApplicationListView.as_view(), name="application_list"),
    path("applications/queue/", ApplicationQueueView.as_view(), name="application_queue"),
    path("applications/<uuid:uuid>/", ApplicationDetailView.as_view(),
         name="application_detail"),
    path("applications/<uuid:uuid>/verify/", VerifyView.as_view(), name="application_verify"),
    path("applications/<uuid:uuid>/sanction/", SanctionView.as_view(),
         name="application_sanction"),
    path("applications/<uuid:uuid>/send-back/", SendBackView.as_view(),
         name="application_send_back"),
    path("applications/<uuid:uuid>/reject/", RejectView.as_view(), name="application_reject"),
    path("applications/<uuid:uuid>/payment-retry/", PaymentRetryView.as_view(),
         name="application_payment_retry"),
    path("applications/<uuid:uuid>/resubmit/", ResubmitView.as_view(),
         name="application_resubmit"),
    path("applications/<uuid:uuid>/documents/<uuid:document>/",
         ApplicationDocumentView.as_view(), name="application_document"),
]
