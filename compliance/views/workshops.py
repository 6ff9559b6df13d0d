"""Views of safety training workshops: the list (with attendance per district), recording
a workshop, and its page where inspectors record how many people of each factory came.

Training is open to every employer: employers see all workshops (and only their own
factories' attendance). Inspectors record their districts' workshops; the state admin
also state-level ones (no district).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView

from compliance import selectors_safety, services
from compliance.forms_safety import (
    AttendanceForm,
    WorkshopFilter,
    WorkshopForm,
    add_service_error,
)
from compliance.models import Workshop, WorkshopAttendance
from core.audit import audit_event_record
from core.models import AuditEvent
from core.roles import RoleCode as R
from core.scoping import scoped
from core.views.base import PortalListView, RoleRequiredMixin, scoped_object_or_404

OFFICIALS = {R.SAFETY_INSPECTOR, R.LABOUR_OFFICER, R.DISTRICT_ADMIN, R.STATE_ADMIN}
READERS = OFFICIALS | {R.EMPLOYER}
KEEPERS = {R.SAFETY_INSPECTOR, R.STATE_ADMIN}


class WorkshopListView(PortalListView):
    """Workshops in scope with their factories and attendees; for officials also the
    attendance per district."""

    allowed_roles = READERS
    model = Workshop
    filterset_class = WorkshopFilter
    template_name = "compliance/workshop_list.html"
    export_name = "training-workshops"

    @property
    def export_columns(self):
        return [
            (_("Date"), lambda w: w.held_on.strftime("%d/%m/%Y")),
            (_("Topic"), lambda w: w.topic),
            (_("Trainer"), lambda w: w.trainer),
            (_("Venue"), lambda w: w.venue),
            (_("Level"), lambda w: w.district.name_en if w.district_id else str(_("State"))),
            (_("Factories"), lambda w: w.factories_count),
            (_("Attendees"), lambda w: w.attendees_total),
        ]

    def get_base_queryset(self):
        # The totals group the rows, which drops the model's ordering: page by date again.
        return selectors_safety.workshop_list(user=self.request.user).order_by("-held_on",
                                                                                "-pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["may_create"] = user.has_role(*KEEPERS)
        context["is_official"] = user.has_role(*OFFICIALS)
        if context["is_official"]:
            rows = selectors_safety.attendance_by_district(user=user)
            hindi = get_language() == "hi"
            for row in rows:
                row["name"] = (row["factory__district__name_hi"] if hindi
                               and row["factory__district__name_hi"]
                               else row["factory__district__name_en"])
            context["by_district"] = rows
            context["by_district_total"] = {
                "attendees": sum(row["attendees"] for row in rows),
                "factories": sum(row["factories"] for row in rows)}
        return context


class WorkshopCreateView(RoleRequiredMixin, FormView):
    """Record a workshop: an inspector's district's, or (state admin) any or state level."""

    allowed_roles = KEEPERS
    form_class = WorkshopForm
    template_name = "compliance/workshop_form.html"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs

    def form_valid(self, form):
        try:
            workshop = services.workshop_save(actor=self.request.user,
                                              data=dict(form.cleaned_data),
                                              request=self.request)
        except ValidationError as exc:
            add_service_error(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("The workshop is recorded. Record who attended on "
                                         "its page."))
        return redirect(workshop)


class WorkshopDetailView(RoleRequiredMixin, TemplateView):
    """The workshop and its attendance per factory; inspectors record attendance here."""

    allowed_roles = READERS
    template_name = "compliance/workshop_detail.html"

    def dispatch(self, request, *args, **kwargs):
        # The role check comes first: a refused role is not told whether the workshop exists.
        if request.user.is_authenticated and request.user.has_role(*self.allowed_roles):
            self.workshop = scoped_object_or_404(
                request, selectors_safety.workshop_list(user=request.user),
                uuid=kwargs["uuid"])
        return super().dispatch(request, *args, **kwargs)

    def may_record(self) -> bool:
        return self.request.user.has_role(*KEEPERS)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        attendance = list(scoped(user, WorkshopAttendance).filter(workshop=self.workshop)
                          .select_related("factory__establishment", "factory__district"))
        context.update(workshop=self.workshop, attendance=attendance,
                       attendance_total=sum(row.attendees for row in attendance),
                       may_record=self.may_record())
        if context["may_record"] and "form" not in context:
            context["form"] = AttendanceForm(user=user, workshop=self.workshop)
        return context

    def post(self, request, *args, **kwargs):
        if not self.may_record():
            audit_event_record(action=AuditEvent.Action.REFUSAL, request=request,
                               obj=self.workshop, district=self.workshop.district,
                               summary="attendance refused")
            raise Http404
        form = AttendanceForm(request.POST, user=request.user, workshop=self.workshop)
        if form.is_valid():
            try:
                services.workshop_attendance_record(
                    actor=request.user, workshop_id=self.workshop.pk,
                    factory_id=form.cleaned_data["factory"].pk,
                    attendees=form.cleaned_data["attendees"], request=request)
            except ValidationError as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, _("The attendance of %(factory)s is recorded.")
                                 % {"factory": form.cleaned_data["factory"].establishment.name})
                return redirect(self.workshop)
        return self.render_to_response(self.get_context_data(form=form))


urls = [
    path("workshops/", WorkshopListView.as_view(), name="workshop_list"),
    path("workshops/new/", WorkshopCreateView.as_view(), name="workshop_create"),
    path("workshops/<uuid:uuid>/", WorkshopDetailView.as_view(), name="workshop_detail"),
]
