"""Views of accidents at factories: the list, reporting one, its page and its investigation.

The factory's employer and the safety inspector of its district report accidents; a fatal
one alerts the district's officials by email and SMS. District officials (inspectors,
labour officers, district admins) read their districts' accidents, the state admin all,
an employer their own factories'. Only inspectors (and the state admin) investigate.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, View

from compliance import services
from compliance.forms_safety import (
    AccidentFilter,
    AccidentForm,
    InvestigationForm,
    add_service_error,
)
from compliance.models import Accident, Factory
from core.audit import audit_event_record
from core.models import AuditEvent
from core.roles import RoleCode as R
from core.scoping import scoped
from core.views.base import (
    PortalDetailView,
    PortalListView,
    RoleRequiredMixin,
    private_file_response,
    scoped_object_or_404,
)

READERS = {R.SAFETY_INSPECTOR, R.LABOUR_OFFICER, R.DISTRICT_ADMIN, R.STATE_ADMIN, R.EMPLOYER}
REPORTERS = {R.EMPLOYER, R.SAFETY_INSPECTOR, R.STATE_ADMIN}
INVESTIGATORS = {R.SAFETY_INSPECTOR, R.STATE_ADMIN}


def _when(value) -> str:
    return timezone.localtime(value).strftime("%d/%m/%Y %H:%M") if value else ""


def _yes_no(value) -> str:
    return str(_("Yes") if value else _("No"))


def accident_queryset(user):
    """Return the accidents the user may see, with what their pages show."""
    return scoped(user, Accident).select_related("factory__establishment", "district",
                                                 "investigated_by")


class AccidentListView(PortalListView):
    """Accidents in scope, this year's by default, with this year's fatal and serious counts."""

    allowed_roles = READERS
    model = Accident
    filterset_class = AccidentFilter
    template_name = "compliance/accident_list.html"
    export_name = "accidents"

    @property
    def export_columns(self):
        return [
            (_("Date and time"), lambda a: _when(a.occurred_at)),
            (_("Factory"), lambda a: a.factory.establishment.name),
            (_("Licence number"), lambda a: a.factory.licence_number),
            (_("District"), lambda a: a.district.name_en),
            (_("Where in the factory"), lambda a: a.place),
            (_("Severity"), lambda a: a.get_severity_display()),
            (_("Persons killed"), lambda a: a.persons_killed),
            (_("Persons injured"), lambda a: a.persons_injured),
            (_("Investigated"), lambda a: _yes_no(a.investigated_on)),
            (_("Investigated on"), lambda a: a.investigated_on.strftime("%d/%m/%Y")
             if a.investigated_on else ""),
        ]

    def get_base_queryset(self):
        return accident_queryset(self.request.user)

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        # This year's accidents unless another year (or all) is asked for.
        data = (kwargs.get("data") or self.request.GET).copy()
        data.setdefault("year", str(timezone.localdate().year))
        kwargs["data"] = data
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        year = timezone.localdate().year
        context["summary"] = scoped(user, Accident).filter(occurred_at__year=year).aggregate(
            fatal=Count("pk", filter=Q(severity=Accident.Severity.FATAL)),
            serious=Count("pk", filter=Q(severity=Accident.Severity.SERIOUS)))
        context["summary_year"] = year
        context["show_district"] = not user.has_role(R.EMPLOYER) or bool(user.district_ids)
        return context


class AccidentReportView(RoleRequiredMixin, FormView):
    """Report an accident at a factory (its employer, or an inspector of its district)."""

    allowed_roles = REPORTERS
    form_class = AccidentForm
    template_name = "compliance/accident_form.html"

    def dispatch(self, request, *args, **kwargs):
        # The role check comes first: a refused role is not told whether the factory exists.
        if request.user.is_authenticated and request.user.has_role(*self.allowed_roles):
            self.factory = scoped_object_or_404(
                request, scoped(request.user, Factory).select_related("establishment",
                                                                      "district"),
                uuid=kwargs["uuid"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["factory"] = self.factory
        return context

    def form_valid(self, form):
        try:
            accident = services.accident_report(actor=self.request.user,
                                                factory_id=self.factory.pk,
                                                data=form.accident_data(),
                                                request=self.request)
        except ValidationError as exc:
            add_service_error(form, exc, form.service_fields)
            return self.form_invalid(form)
        if accident.severity == Accident.Severity.FATAL:
            messages.success(self.request, _("The accident is reported. The district has "
                                             "been alerted."))
        else:
            messages.success(self.request, _("The accident is reported."))
        return redirect(accident)


class AccidentDetailView(PortalDetailView):
    """The accident and its investigation."""

    allowed_roles = READERS
    model = Accident
    template_name = "compliance/accident_detail.html"
    context_object_name = "accident"

    def get_base_queryset(self):
        return accident_queryset(self.request.user)

    def get_object(self, queryset=None):
        return scoped_object_or_404(self.request, self.get_queryset(), uuid=self.kwargs["uuid"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["may_investigate"] = self.request.user.has_role(*INVESTIGATORS)
        return context


class AccidentMixin(RoleRequiredMixin):
    """Load the accident named in the URL through the user's scope (404 otherwise)."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.has_role(*self.allowed_roles):
            self.accident = scoped_object_or_404(request, accident_queryset(request.user),
                                                 uuid=kwargs["uuid"])
        return super().dispatch(request, *args, **kwargs)


class AccidentInvestigateView(AccidentMixin, FormView):
    """Record (or correct) the inspector's investigation of the accident."""

    allowed_roles = INVESTIGATORS
    form_class = InvestigationForm
    template_name = "compliance/accident_investigate.html"

    def get_initial(self):
        accident = self.accident
        if accident.investigated_on:
            return {"investigated_on": accident.investigated_on,
                    "investigation": accident.investigation}
        return {"investigated_on": timezone.localdate()}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["accident"] = self.accident
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            services.accident_investigation_save(
                actor=self.request.user, accident_id=self.accident.pk,
                investigated_on=data["investigated_on"], report=data["investigation"],
                upload=data.get("investigation_file"), request=self.request)
        except ValidationError as exc:
            add_service_error(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("The investigation is recorded."))
        return redirect(self.accident)


class AccidentFileView(AccidentMixin, View):
    """Download the investigation report file (as an attachment)."""

    allowed_roles = READERS

    def get(self, request, uuid):
        accident = self.accident
        if not accident.investigation_file:
            raise Http404
        response = private_file_response(
            accident.investigation_file, content_type="application/pdf",
            filename=f"accident-investigation-{accident.uuid}.pdf")
        audit_event_record(action=AuditEvent.Action.SENSITIVE_READ, request=request,
                           obj=accident, district=accident.district,
                           summary="investigation report downloaded")
        return response


urls = [
    path("accidents/", AccidentListView.as_view(), name="accident_list"),
    path("factories/<uuid:uuid>/accidents/new/", AccidentReportView.as_view(),
         name="accident_report"),
    path("accidents/<uuid:uuid>/", AccidentDetailView.as_view(), name="accident_detail"),
    path("accidents/<uuid:uuid>/investigate/", AccidentInvestigateView.as_view(),
         name="accident_investigate"),
    path("accidents/<uuid:uuid>/investigation-file/", AccidentFileView.as_view(),
         name="accident_investigation_file"),
]
