"""Views of factory inspections: the list, the monthly plan, an inspection for a cause,
the report of findings, the employer's compliance and its review.

Safety inspectors keep the inspections of their districts (the state admin of all);
labour officers and district admins read them. An employer sees the inspections of
their own factories once made, never a planned one (a planned visit is a surprise):
scoping hides it, so its page is a 404 like a missing one.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, View

from compliance import selectors_safety
from compliance.forms_factories import (
    ComplianceForm,
    ComplianceReviewForm,
    InspectionCreateForm,
    InspectionFilter,
    InspectionPlanForm,
    InspectionReportForm,
    month_label,
    month_value,
)
from compliance.models import CHECKLIST, Inspection
from compliance.services import safety as services
from compliance.views.factories import INSPECTORS, READERS, is_inspector, with_overdue
from core.roles import RoleCode as R
from core.views.base import (
    PortalDetailView,
    PortalListView,
    RoleRequiredMixin,
    private_file_response,
    scoped_object_or_404,
)


def _date(value) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def _inspector_name(inspection: Inspection) -> str:
    user = inspection.inspector
    if user is None:
        return str(_("Not assigned"))
    return user.get_full_name() or user.username


def _export_columns():
    return [
        (_("Factory"), lambda i: i.factory.establishment.name),
        (_("Licence number"), lambda i: i.factory.licence_number),
        (_("District"), lambda i: i.district.name_en),
        (_("Month"), lambda i: f"{i.month:%m/%Y}"),
        (_("Reason"), lambda i: i.get_reason_display()),
        (_("Inspector"), _inspector_name),
        (_("Status"), lambda i: i.get_status_display()),
        (_("Inspected on"), lambda i: _date(i.inspected_on)),
        (_("Compliance"), lambda i: i.get_compliance_display()
         if i.status == Inspection.Status.DONE else ""),
        (_("Comply by"), lambda i: _date(i.compliance_due_on)),
        (_("Compliance overdue"), lambda i: _("Yes") if i.is_overdue else _("No")),
    ]


class InspectionListView(PortalListView):
    """The inspections the user may see (an employer: their factories', once made)."""

    allowed_roles = READERS
    model = Inspection
    filterset_class = InspectionFilter
    template_name = "compliance/inspection_list.html"
    export_name = "inspections"

    @property
    def export_columns(self):
        return _export_columns()

    def get_base_queryset(self):
        return with_overdue(selectors_safety.inspection_list(user=self.request.user),
                            today=timezone.localdate()).order_by(
            "-month", "factory__establishment__name", "pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["may_plan"] = is_inspector(self.request.user)
        return context


class InspectionPlanView(RoleRequiredMixin, FormView):
    """Plan a month's risk-based inspections of a district."""

    allowed_roles = INSPECTORS
    form_class = InspectionPlanForm
    template_name = "compliance/inspection_plan.html"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            sample_percent=round(settings.COMPLIANCE_CERTIFIER_SAMPLE_SHARE * 100),
            medium_months=settings.COMPLIANCE_MEDIUM_ROTA_MONTHS,
            low_months=settings.COMPLIANCE_LOW_ROTA_MONTHS)
        return context

    def form_valid(self, form):
        district, month = form.chosen_district(), form.cleaned_data["month"]
        try:
            counts = services.inspection_plan_month(actor=self.request.user, district=district,
                                                    month=month, request=self.request)
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        label = month_label(month)
        if counts["planned"]:
            text = ngettext(
                "%(district)s, %(month)s: %(planned)d inspection planned (high risk: "
                "%(high)d, by rota: %(rota)d, sample of self-certifiers: %(sample)d, without "
                "an inspector: %(unassigned)d).",
                "%(district)s, %(month)s: %(planned)d inspections planned (high risk: "
                "%(high)d, by rota: %(rota)d, sample of self-certifiers: %(sample)d, without "
                "an inspector: %(unassigned)d).",
                counts["planned"])
        else:
            text = gettext("%(district)s, %(month)s: nothing new to plan; the factories due "
                           "are already planned.")
        messages.success(self.request, text % {
            "district": district.name, "month": label, "planned": counts["planned"],
            "high": counts[Inspection.Reason.HIGH_RISK.value],
            "rota": counts[Inspection.Reason.ROTA.value],
            "sample": counts[Inspection.Reason.SAMPLE.value],
            "unassigned": counts["unassigned"]})
        query = urlencode({"month": month_value(month), "district": district.pk})
        return redirect(f"{reverse('compliance:inspection_list')}?{query}")


class InspectionCreateView(RoleRequiredMixin, FormView):
    """Open an inspection of a factory for a cause (a complaint, an accident)."""

    allowed_roles = INSPECTORS
    form_class = InspectionCreateForm
    template_name = "compliance/inspection_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.has_role(*self.allowed_roles):
            self.factory = scoped_object_or_404(
                request, selectors_safety.factory_list(user=request.user), uuid=kwargs["uuid"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["factory"] = self.factory
        return context

    def form_valid(self, form):
        try:
            inspection = services.inspection_create(
                actor=self.request.user, factory_id=self.factory.pk,
                reason=form.cleaned_data["reason"], request=self.request)
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("The inspection is opened. Record its report after "
                                         "the visit."))
        return redirect(inspection)


# --- One inspection -------------------------------------------------------------------------


def checklist_rows(inspection: Inspection) -> list[dict]:
    """Return the checklist in its order with each item's finding (None: not checked)."""
    return [{"code": code, "label": label, "in_order": inspection.checklist.get(code)}
            for code, label in CHECKLIST]


class InspectionDetailView(PortalDetailView):
    """The inspection: findings, directions, the employer's compliance and the next step."""

    allowed_roles = READERS
    model = Inspection
    template_name = "compliance/inspection_detail.html"
    context_object_name = "inspection"

    def get_base_queryset(self):
        return with_overdue(selectors_safety.inspection_list(user=self.request.user),
                            today=timezone.localdate())

    def get_object(self, queryset=None):
        return scoped_object_or_404(self.request, self.get_queryset(), uuid=self.kwargs["uuid"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, inspection = self.request.user, self.object
        inspector = is_inspector(user)
        owner = (user.has_role(R.EMPLOYER)
                 and inspection.factory.establishment.owner_id == user.pk)
        C = Inspection.Compliance
        context.update(
            checklist=checklist_rows(inspection),
            violations_count=sum(1 for value in inspection.checklist.values() if not value),
            may_report=inspector and inspection.status == Inspection.Status.PLANNED,
            may_review=inspector and inspection.compliance == C.SUBMITTED,
            may_comply=owner and inspection.compliance == C.PENDING,
            is_pending=inspection.compliance == C.PENDING,
        )
        return context


class InspectionMixin(RoleRequiredMixin):
    """Load the inspection named in the URL through the user's scope (404 otherwise)."""

    allowed_roles = INSPECTORS

    def dispatch(self, request, *args, **kwargs):
        # The role check comes first: a refused role is not told whether it exists.
        if request.user.is_authenticated and request.user.has_role(*self.allowed_roles):
            self.inspection = scoped_object_or_404(request, self.inspection_queryset(),
                                                   uuid=kwargs["uuid"])
            refusal = self.refusal()
            if refusal:
                messages.info(request, refusal)
                return redirect(self.inspection)
        return super().dispatch(request, *args, **kwargs)

    def inspection_queryset(self):
        return selectors_safety.inspection_list(user=self.request.user)

    def refusal(self) -> str:
        """Return why this step cannot be taken now (empty: it can)."""
        return ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(inspection=self.inspection, today=timezone.localdate())
        return context


class InspectionReportView(InspectionMixin, FormView):
    """Record what the inspection found; violations call for compliance by a date."""

    form_class = InspectionReportForm
    template_name = "compliance/inspection_report.html"

    def refusal(self):
        if self.inspection.status != Inspection.Status.PLANNED:
            return _("The report of this inspection is already recorded.")
        return ""

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        factory = selectors_safety.factory_list(user=self.request.user).filter(
            pk=self.inspection.factory_id).first()
        kwargs["is_certifier"] = bool(factory and factory.is_certifier)
        return kwargs

    def get_initial(self):
        return {"inspected_on": timezone.localdate()}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            services.inspection_report_save(
                actor=self.request.user, inspection_id=self.inspection.pk,
                inspected_on=data["inspected_on"], checklist=form.checklist(),
                violations=data["violations"], directions=data["directions"],
                compliance_due_on=data["compliance_due_on"],
                is_false_certification=data.get("is_false_certification", False),
                request=self.request)
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("The inspection report is recorded."))
        return redirect(self.inspection)


class InspectionComplyView(InspectionMixin, FormView):
    """The employer reports how the directions were complied with, with proof."""

    allowed_roles = {R.EMPLOYER}
    form_class = ComplianceForm
    template_name = "compliance/inspection_comply.html"

    def inspection_queryset(self):
        # Only the factory's own employer (for a login that also holds another role).
        return super().inspection_queryset().filter(
            factory__establishment__owner=self.request.user)

    def refusal(self):
        if self.inspection.compliance != Inspection.Compliance.PENDING:
            return _("There is no compliance awaited on this inspection.")
        return ""

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            services.inspection_compliance_submit(
                actor=self.request.user, inspection_id=self.inspection.pk,
                note=data["compliance_note"], upload=data.get("compliance_file"),
                request=self.request)
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Your compliance report is sent to the inspector."))
        return redirect(self.inspection)


class InspectionReviewView(InspectionMixin, FormView):
    """The inspector accepts the employer's compliance or sends it back."""

    form_class = ComplianceReviewForm
    template_name = "compliance/inspection_review.html"

    def refusal(self):
        if self.inspection.compliance != Inspection.Compliance.SUBMITTED:
            return _("No compliance report is waiting for review.")
        return ""

    def form_valid(self, form):
        try:
            services.inspection_compliance_review(
                actor=self.request.user, inspection_id=self.inspection.pk,
                is_accepted=form.is_accepted(), note=form.cleaned_data["note"],
                request=self.request)
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("The compliance is accepted.") if form.is_accepted()
                         else _("The compliance report is sent back to the employer."))
        return redirect(self.inspection)


class InspectionFileView(InspectionMixin, View):
    """Download the employer's proof of compliance (as an attachment)."""

    allowed_roles = READERS

    def get(self, request, uuid):
        inspection = self.inspection
        if not inspection.compliance_file:
            raise Http404
        extension = inspection.compliance_file.name.rsplit(".", 1)[-1].lower()
        return private_file_response(
            inspection.compliance_file,
            filename=f"compliance-{inspection.month:%Y-%m}.{extension}")


urls = [
    path("inspections/", InspectionListView.as_view(), name="inspection_list"),
    path("inspections/plan/", InspectionPlanView.as_view(), name="inspection_plan"),
    path("factories/<uuid:uuid>/inspections/new/", InspectionCreateView.as_view(),
         name="inspection_create"),
    path("inspections/<uuid:uuid>/", InspectionDetailView.as_view(), name="inspection_detail"),
    path("inspections/<uuid:uuid>/report/", InspectionReportView.as_view(),
         name="inspection_report"),
    path("inspections/<uuid:uuid>/comply/", InspectionComplyView.as_view(),
         name="inspection_comply"),
    path("inspections/<uuid:uuid>/review/", InspectionReviewView.as_view(),
         name="inspection_review"),
    path("inspections/<uuid:uuid>/file/", InspectionFileView.as_view(), name="inspection_file"),
]
