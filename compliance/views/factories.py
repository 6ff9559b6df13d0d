"""Views of factories: the list, registering a factory's licence, its page and corrections.

Safety inspectors, labour officers and district admins see the factories of their
districts, the state admin all of them, and an employer their own. An employer
registers the licence of their own factory establishment; the employer or an inspector
of the district corrects it. Risk is recomputed by the services on every change.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import BooleanField, Count, ExpressionWrapper, Max, Q
from django.shortcuts import redirect
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView

from compliance import selectors_safety
from compliance.forms_factories import FactoryFilter, FactoryForm
from compliance.models import Accident, Factory, WorkshopAttendance
from compliance.services import safety as services
from core.roles import RoleCode as R
from core.scoping import scoped
from core.views.base import (
    PortalDetailView,
    PortalListView,
    RoleRequiredMixin,
    scoped_object_or_404,
)
from employers.models import Establishment
from employers.selectors import establishment_list

READERS = {R.SAFETY_INSPECTOR, R.LABOUR_OFFICER, R.DISTRICT_ADMIN, R.STATE_ADMIN, R.EMPLOYER}
INSPECTORS = {R.SAFETY_INSPECTOR, R.STATE_ADMIN}


def _date(value) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def is_inspector(user) -> bool:
    """Whether the user inspects what they see (scoping keeps an inspector to a district)."""
    return user.has_role(*INSPECTORS)


def is_owner(user, factory: Factory) -> bool:
    return user.has_role(R.EMPLOYER) and factory.establishment.owner_id == user.pk


def annotate_rows(factories, *, today) -> list:
    """Mark each factory with the days since its last accident and an expired licence."""
    for factory in factories:
        factory.days_since_accident = selectors_safety.days_since(factory.last_accident_at,
                                                                  today=today)
        factory.licence_expired = factory.licence_valid_until < today
    return factories


def with_overdue(inspections, *, today):
    """Annotate ``is_overdue``: directions not complied with by the deadline."""
    return inspections.annotate(is_overdue=ExpressionWrapper(
        selectors_safety.compliance_overdue_q(today=today), output_field=BooleanField()))


def _export_columns():
    today = timezone.localdate()

    def days(factory):
        value = selectors_safety.days_since(factory.last_accident_at, today=today)
        return _("none recorded") if value is None else value

    return [
        (_("Factory"), lambda f: f.establishment.name),
        (_("District"), lambda f: f.district.name_en),
        (_("Licence number"), lambda f: f.licence_number),
        (_("Licence valid until"), lambda f: _date(f.licence_valid_until)),
        (_("Licence expired"), lambda f: _("Yes") if f.licence_valid_until < today
         else _("No")),
        (_("Workers employed"), lambda f: f.workers_employed),
        (_("Hazardous process"), lambda f: _("Yes") if f.is_hazardous else _("No")),
        (_("Risk"), lambda f: f.get_risk_category_display()),
        (_("Risk score"), lambda f: f.risk_score),
        (_("Self-certifier"), lambda f: _("Yes") if f.is_certifier else _("No")),
        (_("Days since last accident"), days),
    ]


class FactoryListView(PortalListView):
    """The factories the user may see, with licence, risk and accident record."""

    allowed_roles = READERS
    model = Factory
    filterset_class = FactoryFilter
    template_name = "compliance/factory_list.html"
    export_name = "factories"

    @property
    def export_columns(self):
        return _export_columns()

    def get_base_queryset(self):
        # A grouped query drops the model's ordering: pagination needs one.
        return selectors_safety.factory_list(user=self.request.user).order_by(
            "establishment__name", "pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["object_list"] = annotate_rows(list(context["object_list"]),
                                               today=timezone.localdate())
        context["is_employer"] = user.has_role(R.EMPLOYER)
        # An employer's factory establishments whose licence is not registered yet.
        context["unregistered"] = list(
            establishment_list(user=user).filter(kind=Establishment.Kind.FACTORY,
                                                 is_active=True, factory__isnull=True)
        ) if user.has_role(R.EMPLOYER) else []
        return context


class FactoryRegisterView(RoleRequiredMixin, FormView):
    """The employer registers the licence and safety profile of their factory."""

    allowed_roles = {R.EMPLOYER}
    form_class = FactoryForm
    template_name = "compliance/factory_form.html"

    def dispatch(self, request, *args, **kwargs):
        # The role check comes first: a refused role is not told whether it exists.
        if request.user.is_authenticated and request.user.has_role(*self.allowed_roles):
            self.establishment = scoped_object_or_404(
                request, establishment_list(user=request.user).filter(owner=request.user),
                uuid=kwargs["establishment"])
            factory = Factory.objects.filter(establishment=self.establishment).first()
            if factory is not None:
                messages.info(request, _("This factory is already registered."))
                return redirect(factory)
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"workers_employed": self.establishment.workers_count}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["establishment"] = self.establishment
        return context

    def form_valid(self, form):
        try:
            factory = services.factory_register(
                actor=self.request.user, establishment_id=self.establishment.pk,
                data=dict(form.cleaned_data), request=self.request)
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(self.request, _(
            "The factory is registered. Its risk is %(risk)s (score %(score)s).") % {
            "risk": factory.get_risk_category_display(), "score": factory.risk_score})
        return redirect(factory)


class FactoryDetailView(PortalDetailView):
    """The factory: licence, risk, accidents, inspections, committee and training."""

    allowed_roles = READERS
    model = Factory
    template_name = "compliance/factory_detail.html"
    context_object_name = "factory"

    def get_base_queryset(self):
        return selectors_safety.factory_list(user=self.request.user).annotate(
            management_members=Count("committee_members", distinct=True,
                                     filter=Q(committee_members__side="management")),
            worker_members=Count("committee_members", distinct=True,
                                 filter=Q(committee_members__side="workers")),
            last_meeting_on=Max("committee_meetings__held_on"))

    def get_object(self, queryset=None):
        # Out of scope: the same 404 as a missing factory, and an audited refusal.
        return scoped_object_or_404(self.request, self.get_queryset(), uuid=self.kwargs["uuid"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, factory, today = self.request.user, self.object, timezone.localdate()
        annotate_rows([factory], today=today)
        inspections = list(with_overdue(
            selectors_safety.inspection_list(user=user).filter(factory=factory), today=today))
        owner = is_owner(user, factory)
        inspector = is_inspector(user)
        context.update(
            today=today,
            inspections=inspections,
            accidents=list(scoped(user, Accident).filter(factory=factory)
                           .order_by("-occurred_at")),
            attendance=list(scoped(user, WorkshopAttendance).filter(factory=factory)
                            .select_related("workshop").order_by("-workshop__held_on")),
            is_owner=owner,
            is_inspector=inspector,
            may_update=owner or inspector,
            may_report_accident=owner or inspector,
        )
        context["trained_total"] = sum(row.attendees for row in context["attendance"])
        return context


class FactoryUpdateView(RoleRequiredMixin, FormView):
    """Correct a factory's licence and profile (its employer or a district inspector)."""

    allowed_roles = {R.EMPLOYER, *INSPECTORS}
    form_class = FactoryForm
    template_name = "compliance/factory_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.has_role(*self.allowed_roles):
            self.factory = scoped_object_or_404(
                request, selectors_safety.factory_list(user=request.user),
                uuid=kwargs["uuid"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.factory
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(factory=self.factory, establishment=self.factory.establishment)
        return context

    def form_valid(self, form):
        try:
            factory = services.factory_update(
                actor=self.request.user, factory_id=self.factory.pk,
                data=dict(form.cleaned_data), request=self.request)
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(self.request, _(
            "The factory's details are saved. Its risk is %(risk)s (score %(score)s).") % {
            "risk": factory.get_risk_category_display(), "score": factory.risk_score})
        return redirect(factory)


urls = [
    path("factories/", FactoryListView.as_view(), name="factory_list"),
    path("factories/register/<uuid:establishment>/", FactoryRegisterView.as_view(),
         name="factory_register"),
    path("factories/<uuid:uuid>/", FactoryDetailView.as_view(), name="factory_detail"),
    path("factories/<uuid:uuid>/edit/", FactoryUpdateView.as_view(), name="factory_update"),
]
