"""Views of bonded labour cases: the list, rescue operations, a released person's case and
the steps on it (hand-over, assistance, rehabilitation package, legal action, visits).

District labour officers (of the home district or of the district of release) and the
state admin keep the cases; district admins read them. Everyone else gets a 404, as do
cases outside the user's districts.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView, View

from compliance import rules, selectors, services
from compliance.forms_bonded import (
    AssistanceForm,
    BondedCaseFilter,
    BondedCaseForm,
    BondedCaseUpdateForm,
    ComponentForm,
    HandOverForm,
    HearingForm,
    LegalForm,
    RescueOperationForm,
    VisitForm,
    WorkerLinkForm,
    this_state,
)
from compliance.models import BondedCase, RehabComponent
from core.audit import audit_event_record
from core.models import AuditEvent
from core.money import rupees
from core.roles import RoleCode as R
from core.views.base import (
    PortalDetailView,
    PortalListView,
    RoleRequiredMixin,
    private_file_response,
    scoped_object_or_404,
)
from registration.selectors import district_choices

READERS = {R.LABOUR_OFFICER, R.DISTRICT_ADMIN, R.STATE_ADMIN}
# Who keeps the cases (every form and POST); district admins only read.
KEEPERS = {R.LABOUR_OFFICER, R.STATE_ADMIN}


def _date(value) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def _release_place(case: BondedCase) -> str:
    """Where the person was released (without a query: the list selects these relations)."""
    operation = case.operation
    if case.release_district_id:
        return f"{operation.place}, {case.release_district.name}"
    return ", ".join(part for part in (operation.place, operation.place_district_name,
                                       operation.state.name) if part)


def _assistance_annotate(cases, *, today) -> list:
    """Mark each case with the days from release to assistance and whether that is late."""
    for case in cases:
        case.assistance_days = rules.assistance_days(case, today=today)
        case.assistance_late = rules.assistance_is_late(case, today=today)
    return cases


def _export_columns():
    # No mobile number or address: the export leaves the portal.
    today = timezone.localdate()
    return [
        (_("Case number"), lambda c: c.number),
        (_("Name"), lambda c: c.name),
        (_("Gender"), lambda c: c.get_gender_display()),
        (_("Age"), lambda c: c.age),
        (_("Home district"), lambda c: c.origin_district.name_en),
        (_("Released on"), lambda c: _date(c.released_on)),
        (_("Place of release"), lambda c: _release_place(c)),
        (_("Released in another state"), lambda c: _("Yes") if c.release_district_id is None
         else _("No")),
        (_("Category"), lambda c: c.get_category_display()),
        (_("Employer / principal"), lambda c: c.employer_name),
        (_("Work done"), lambda c: c.work),
        (_("Stage"), lambda c: c.get_stage_display()),
        (_("Immediate assistance (₹)"), lambda c: c.assistance_amount
         if c.assistance_paid_on else ""),
        (_("Assistance paid on"), lambda c: _date(c.assistance_paid_on)),
        (_("Days to assistance"), lambda c: rules.assistance_days(c, today=today)),
        (_("Assistance late"), lambda c: _("Yes") if rules.assistance_is_late(c, today=today)
         else _("No")),
        (_("Legal action"), lambda c: c.get_legal_stage_display()),
        (_("FIR number"), lambda c: c.fir_number),
        (_("Registration number"), lambda c: (c.worker.registration_number or "")
         if c.worker_id else ""),
        (_("Next follow-up visit"), lambda c: _date(c.next_visit_on)),
    ]


# --- The list ---------------------------------------------------------------------------


class BondedListView(PortalListView):
    """The cases the user may see, at either end (home district or district of release)."""

    allowed_roles = READERS
    model = BondedCase
    filterset_class = BondedCaseFilter
    template_name = "compliance/bonded_list.html"
    export_name = "bonded-labour-cases"

    @property
    def export_columns(self):
        return _export_columns()

    def get_base_queryset(self):
        return selectors.bonded_case_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["object_list"] = _assistance_annotate(list(context["object_list"]),
                                                      today=timezone.localdate())
        context["may_record"] = user.has_role(*KEEPERS)
        # Only a district official has an "here" to be awaited in.
        context["awaiting_count"] = (selectors.bonded_awaiting_here(user=user).count()
                                     if user.district_ids else None)
        context["awaiting_active"] = self.request.GET.get("awaiting") == "here"
        return context


# --- Rescue operations --------------------------------------------------------------------


class OperationCreateView(RoleRequiredMixin, FormView):
    """Record a rescue operation; the released people are added on its page."""

    allowed_roles = KEEPERS
    form_class = RescueOperationForm
    template_name = "compliance/operation_form.html"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs

    def get_initial(self):
        initial = {"state": this_state()}
        districts = list(district_choices(user=self.request.user).filter(
            state__code=settings.PORTAL_STATE_CODE)[:2])
        if len(districts) == 1:
            initial["district"] = districts[0]
        return initial

    def form_valid(self, form):
        try:
            operation = services.rescue_operation_create(
                actor=self.request.user, data=dict(form.cleaned_data), request=self.request)
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("The rescue operation is recorded. Add each person "
                                         "released."))
        return redirect("compliance:operation_detail", uuid=operation.uuid)


class OperationMixin(RoleRequiredMixin):
    """Load the operation named in the URL through the user's scope (404 otherwise)."""

    allowed_roles = READERS

    def dispatch(self, request, *args, **kwargs):
        # The role check comes first: a refused role is not told whether the record exists.
        if request.user.is_authenticated and request.user.has_role(*self.allowed_roles):
            self.operation = scoped_object_or_404(
                request, selectors.operation_list(user=request.user), uuid=kwargs["uuid"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["operation"] = self.operation
        return context


class OperationDetailView(OperationMixin, TemplateView):
    """The operation and the people it released (those the user may see)."""

    template_name = "compliance/operation_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        cases = selectors.bonded_case_list(user=self.request.user).filter(
            operation=self.operation)
        context["cases"] = _assistance_annotate(list(cases), today=timezone.localdate())
        context["may_add"] = self.request.user.has_role(*KEEPERS)
        return context


class BondedCreateView(OperationMixin, FormView):
    """Record one released person of the operation (a case numbered BL-year-n)."""

    allowed_roles = KEEPERS
    form_class = BondedCaseForm
    template_name = "compliance/bonded_form.html"

    def get_initial(self):
        operation, user = self.operation, self.request.user
        initial = {"released_on": operation.rescued_on}
        if operation.district_id and (operation.district_id in user.district_ids
                                      or user.has_role(R.STATE_ADMIN)):
            initial["origin_district"] = operation.district_id
        elif len(user.district_ids) == 1:
            initial["origin_district"] = next(iter(user.district_ids))
        return initial

    def form_valid(self, form):
        try:
            case = services.bonded_case_create(
                actor=self.request.user, operation_id=self.operation.pk, data=form.case_data(),
                certificate=form.cleaned_data.get("certificate"), request=self.request)
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Case %(number)s is recorded.")
                         % {"number": case.number})
        return redirect(case)


# --- One case ---------------------------------------------------------------------------


def case_context(user, case: BondedCase) -> dict:
    """Return what the case page shows, from the prefetched case (no further queries)."""
    today = timezone.localdate()
    components = list(case.components.all())
    for component in components:
        # A component already done (paid by the district itself) is never paid again.
        component.may_ask_payment = (bool(component.amount) and not component.payment_id
                                     and component.status != RehabComponent.Status.DONE)
    package = selectors.package_planned(case)
    rehabilitated_on = (max(part.status_on for part in components)
                        if components and case.stage == BondedCase.Stage.REHABILITATED
                        else None)
    is_keeper = user.has_role(*KEEPERS)
    used = {part.kind for part in components}
    return {
        "case": case,
        "today": today,
        "release_place": _release_place(case),
        "assistance_days": rules.assistance_days(case, today=today),
        "assistance_late": rules.assistance_is_late(case, today=today),
        "assistance_due_on": rules.assistance_due_on(case.released_on),
        "package": package,
        "package_left": package["limit"] - package["planned"],
        "components": components,
        "kinds_left": [(kind, label) for kind, label in RehabComponent.Kind.choices
                       if kind not in used],
        "hearings": list(case.hearings.all()),
        "visits": list(case.visits.all()),
        "visit_due": case.next_visit_on is not None and case.next_visit_on <= today,
        "milestones": [
            {"label": _("Immediate assistance"),
             "days": selectors.days_between(case.released_on, case.assistance_paid_on)},
            {"label": _("FIR"), "days": selectors.days_between(case.released_on, case.fir_on)},
            {"label": _("Rehabilitated"),
             "days": selectors.days_between(case.released_on, rehabilitated_on)},
            {"label": _("Judgment"),
             "days": selectors.days_between(case.released_on, case.outcome_on)},
        ],
        "is_keeper": is_keeper,
        # Assistance and the package are the home district's to give.
        "is_home_keeper": is_keeper and (user.has_role(R.STATE_ADMIN)
                                         or case.origin_district_id in user.district_ids),
    }


class BondedDetailView(PortalDetailView):
    """The case: person and release, assistance, package, legal action, visits, worker."""

    allowed_roles = READERS
    model = BondedCase
    template_name = "compliance/bonded_detail.html"
    context_object_name = "case"
    slug_field = slug_url_kwarg = "uuid"

    def get_base_queryset(self):
        return selectors.bonded_case_detail(user=self.request.user)

    def get_object(self, queryset=None):
        # Out of scope: the same 404 as a missing case, and an audited refusal.
        return scoped_object_or_404(self.request, self.get_queryset(), uuid=self.kwargs["uuid"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(case_context(self.request.user, self.object))
        return context


class BondedComponentPayView(BondedDetailView):
    """Ask for a component's payment through the next batch (a POST from the case page)."""

    allowed_roles = KEEPERS
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        self.object = case = self.get_object()
        kind = kwargs["kind"]
        component = next((part for part in case.components.all() if part.kind == kind), None)
        if component is None:
            raise Http404
        try:
            component = services.rehab_component_payment_request(
                actor=request.user, case_id=case.pk, kind=kind, request=request)
        except ValidationError as exc:
            return self.render_to_response(self.get_context_data(
                object=case, package_errors=exc.messages))
        messages.success(request, _(
            "Payment of %(amount)s for %(component)s is asked for (request %(number)s); it is "
            "paid in the next payment batch.") % {
            "amount": rupees(component.amount), "component": component.get_kind_display(),
            "number": component.payment.number})
        return redirect(case)


class CaseMixin(RoleRequiredMixin):
    """Load the case named in the URL through the user's scope (404 otherwise)."""

    allowed_roles = KEEPERS

    def dispatch(self, request, *args, **kwargs):
        # The role check comes first: a refused role is not told whether the case exists.
        if request.user.is_authenticated and request.user.has_role(*self.allowed_roles):
            self.case = scoped_object_or_404(
                request, selectors.bonded_case_detail(user=request.user), uuid=kwargs["uuid"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["case"] = self.case
        return context


class BondedCertificateView(CaseMixin, View):
    """Download the uploaded release certificate (as an attachment)."""

    allowed_roles = READERS

    def get(self, request, uuid):
        case = self.case
        if not case.certificate_file:
            raise Http404
        extension = case.certificate_file.name.rsplit(".", 1)[-1].lower()
        response = private_file_response(case.certificate_file,
                                         filename=f"{case.number}-certificate.{extension}")
        audit_event_record(action=AuditEvent.Action.SENSITIVE_READ, request=request, obj=case,
                           district=case.origin_district, summary="release certificate viewed")
        return response


class CaseFormView(CaseMixin, FormView):
    """One step on a case: validate, call one service, go back to the case.

    A refusal by the service is shown on the form with what was typed; nothing is saved.
    """

    template_name = "compliance/bonded_action_form.html"
    title = ""
    intro = ""
    submit_label = _("Save")
    done_message = ""
    # Which field a service refusal belongs to, by its code (otherwise the whole form).
    error_fields: dict = {}

    def perform(self, form):
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(title=self.title, intro=self.intro, submit_label=self.submit_label)
        return context

    def form_valid(self, form):
        try:
            self.perform(form)
        except ValidationError as exc:
            field = None if hasattr(exc, "error_dict") else self.error_fields.get(
                getattr(exc, "code", None))
            form.add_error(field, exc)
            return self.form_invalid(form)
        messages.success(self.request, self.done_message)
        return redirect(self.get_success_url())

    def get_success_url(self):
        return self.case.get_absolute_url()


class BondedUpdateView(CaseFormView):
    form_class = BondedCaseUpdateForm
    template_name = "compliance/bonded_form.html"
    done_message = _("The case is corrected.")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.case
        return kwargs

    def perform(self, form):
        services.bonded_case_update(actor=self.request.user, case_id=self.case.pk,
                                    data=form.case_data(),
                                    certificate=form.cleaned_data.get("certificate"),
                                    request=self.request)


class BondedHandOverView(CaseFormView):
    form_class = HandOverForm
    title = _("Hand the case over")
    intro = _("The person's home district then pays the immediate assistance and the "
              "rehabilitation package. The district of release keeps seeing the case.")
    submit_label = _("Hand over")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["case"] = self.case
        return kwargs

    def perform(self, form):
        self.district = form.cleaned_data["district"]
        services.bonded_case_hand_over(actor=self.request.user, case_id=self.case.pk,
                                       district=self.district, request=self.request)
        self.done_message = _("The case is handed over to %(district)s.") % {
            "district": self.district.name}

    def get_success_url(self):
        # The home district's officer who hands a case away no longer sees it.
        if selectors.bonded_case_list(user=self.request.user).filter(pk=self.case.pk).exists():
            return self.case.get_absolute_url()
        return reverse("compliance:bonded_list")


class BondedAssistanceView(CaseFormView):
    """Record immediate assistance paid by the district, or ask for it through a batch."""

    form_class = AssistanceForm
    template_name = "compliance/bonded_assistance_form.html"
    done_message = _("Immediate assistance is recorded.")

    def get_initial(self):
        return {"amount": settings.COMPLIANCE_ASSISTANCE_AMOUNT,
                "paid_on": timezone.localdate()}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        case, today = self.case, timezone.localdate()
        context.update(
            request_amount=settings.COMPLIANCE_ASSISTANCE_AMOUNT,
            assistance_days=rules.assistance_days(case, today=today),
            assistance_late=rules.assistance_is_late(case, today=today),
            assistance_due_on=rules.assistance_due_on(case.released_on),
            is_open=not case.assistance_paid_on and not case.assistance_payment_id)
        return context

    def perform(self, form):
        services.bonded_assistance_record(
            actor=self.request.user, case_id=self.case.pk, amount=form.cleaned_data["amount"],
            paid_on=form.cleaned_data["paid_on"], request=self.request)


class BondedAssistanceRequestView(BondedAssistanceView):
    """Ask welfare to pay the assistance in the next payment batch (a POST)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        try:
            case = services.bonded_assistance_request(actor=request.user, case_id=self.case.pk,
                                                      request=request)
        except ValidationError as exc:
            return self.render_to_response(self.get_context_data(request_errors=exc.messages))
        messages.success(request, _(
            "Immediate assistance of %(amount)s is asked for (request %(number)s); it is paid "
            "to the registration's bank account in the next payment batch.") % {
            "amount": rupees(case.assistance_amount), "number": case.assistance_payment.number})
        return redirect(case)


class BondedComponentView(CaseFormView):
    """Add or update one component of the rehabilitation package."""

    form_class = ComponentForm
    template_name = "compliance/bonded_component_form.html"
    done_message = _("The rehabilitation component is saved.")

    def existing(self):
        kind = self.request.GET.get("kind") or self.request.POST.get("kind")
        return next((part for part in self.case.components.all() if part.kind == kind), None)

    def get_initial(self):
        component = self.existing() if self.request.method == "GET" else None
        if component is None:
            initial = {"status_on": timezone.localdate()}
            if self.request.GET.get("kind") in RehabComponent.Kind.values:
                initial["kind"] = self.request.GET["kind"]
            return initial
        return {"kind": component.kind, "amount": component.amount,
                "status": component.status, "status_on": component.status_on,
                "details": component.details}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        package = selectors.package_planned(self.case)
        context.update(package=package, package_left=package["limit"] - package["planned"],
                       components=list(self.case.components.all()),
                       component=self.existing())
        return context

    def perform(self, form):
        data = form.cleaned_data
        services.rehab_component_save(
            actor=self.request.user, case_id=self.case.pk, kind=data["kind"],
            amount=data["amount"], status=data["status"], status_on=data["status_on"],
            details=data["details"], request=self.request)


class BondedLegalView(CaseFormView):
    form_class = LegalForm
    template_name = "compliance/bonded_legal_form.html"
    done_message = _("The legal action is recorded.")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.case
        return kwargs

    def perform(self, form):
        services.bonded_legal_save(actor=self.request.user, case_id=self.case.pk,
                                   data=dict(form.cleaned_data), request=self.request)


class BondedHearingView(CaseFormView):
    form_class = HearingForm
    title = _("Record a hearing")
    submit_label = _("Record the hearing")
    done_message = _("The hearing is recorded.")
    error_fields = {"future": "held_on", "next_before": "next_on"}

    def perform(self, form):
        data = form.cleaned_data
        services.hearing_add(actor=self.request.user, case=self.case, held_on=data["held_on"],
                             next_on=data["next_on"], notes=data["notes"], request=self.request)


class BondedVisitView(CaseFormView):
    form_class = VisitForm
    title = _("Record a follow-up visit")
    submit_label = _("Record the visit")
    done_message = _("The follow-up visit is recorded.")
    error_fields = {"future": "visited_on", "before": "visited_on"}

    def perform(self, form):
        data = form.cleaned_data
        services.visit_record(actor=self.request.user, case=self.case,
                              visited_on=data["visited_on"], findings=data["findings"],
                              request=self.request)


class BondedWorkerView(CaseFormView):
    """Link the person's registration by its number, or start a registration for them."""

    form_class = WorkerLinkForm
    template_name = "compliance/bonded_worker_form.html"
    done_message = _("The case is linked to the registration.")

    def post(self, request, *args, **kwargs):
        if "start" not in request.POST:
            return super().post(request, *args, **kwargs)
        try:
            worker = services.bonded_case_worker_start(actor=request.user, case_id=self.case.pk,
                                                       request=request)
        except ValidationError as exc:
            form = WorkerLinkForm()
            form.add_error(None, exc)
            return self.render_to_response(self.get_context_data(form=form))
        messages.success(request, _("A registration is started for %(name)s. Fill in its "
                                    "steps.") % {"name": self.case.name})
        return redirect("registration:worker_step", uuid=worker.uuid, step="personal")

    def perform(self, form):
        services.bonded_case_worker_link(
            actor=self.request.user, case_id=self.case.pk,
            registration_number=form.cleaned_data["registration_number"], request=self.request)


urls = [
    path("bonded/", BondedListView.as_view(), name="bonded_list"),
    path("bonded/operations/new/", OperationCreateView.as_view(), name="operation_create"),
    path("bonded/operations/<uuid:uuid>/", OperationDetailView.as_view(),
         name="operation_detail"),
    path("bonded/operations/<uuid:uuid>/add/", BondedCreateView.as_view(), name="bonded_create"),
    path("bonded/<uuid:uuid>/", BondedDetailView.as_view(), name="bonded_detail"),
    path("bonded/<uuid:uuid>/edit/", BondedUpdateView.as_view(), name="bonded_update"),
    path("bonded/<uuid:uuid>/certificate/", BondedCertificateView.as_view(),
         name="bonded_certificate"),
    path("bonded/<uuid:uuid>/hand-over/", BondedHandOverView.as_view(),
         name="bonded_hand_over"),
    path("bonded/<uuid:uuid>/assistance/", BondedAssistanceView.as_view(),
         name="bonded_assistance"),
    path("bonded/<uuid:uuid>/assistance/request/", BondedAssistanceRequestView.as_view(),
         name="bonded_assistance_request"),
    path("bonded/<uuid:uuid>/rehabilitation/", BondedComponentView.as_view(),
         name="bonded_component"),
    path("bonded/<uuid:uuid>/rehabilitation/<str:kind>/pay/", BondedComponentPayView.as_view(),
         name="bonded_component_pay"),
    path("bonded/<uuid:uuid>/legal/", BondedLegalView.as_view(), name="bonded_legal"),
    path("bonded/<uuid:uuid>/hearings/new/", BondedHearingView.as_view(),
         name="bonded_hearing"),
    path("bonded/<uuid:uuid>/visits/new/", BondedVisitView.as_view(), name="bonded_visit"),
    path("bonded/<uuid:uuid>/worker/", BondedWorkerView.as_view(), name="bonded_worker"),
]
