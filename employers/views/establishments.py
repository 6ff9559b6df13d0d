"""Views of establishments: the list, registering one, its page and corrections.

An employer registers and sees only their own establishments; the district's
officials (district admin, labour officer, safety inspector) read those of their
districts and the state admin all of them. Everyone else gets a 404, as does an
establishment outside the user's scope.

The employers app imports no compliance module (STYLE: imports flow one way). What
compliance keeps about an establishment (its factory licence, construction projects
and self-certifications) is read through the reverse relations compliance declares on
``Establishment`` (``factory``, ``projects``, ``certifications``) and linked to by URL
name.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView

from core.roles import RoleCode as R
from core.views.base import (
    PortalDetailView,
    PortalListView,
    RoleRequiredMixin,
    scoped_object_or_404,
)
from employers import selectors, services
from employers.forms import EstablishmentFilter, EstablishmentForm, EstablishmentUpdateForm
from employers.models import Establishment

OFFICIALS = {R.STATE_ADMIN, R.DISTRICT_ADMIN, R.LABOUR_OFFICER, R.SAFETY_INSPECTOR}
READERS = OFFICIALS | {R.EMPLOYER}
# Who sees construction projects and cess (compliance's scoping: cess is the labour
# officers' and the district admin's; the employer sees their own).
PROJECT_READERS = {R.STATE_ADMIN, R.DISTRICT_ADMIN, R.LABOUR_OFFICER, R.EMPLOYER}
# Establishments whose construction work is liable to the BOC cess.
CESS_KINDS = {Establishment.Kind.CONSTRUCTION, Establishment.Kind.CONTRACTOR}


def _yes_no(value) -> str:
    return str(_("Yes")) if value else str(_("No"))


def _export_columns():
    # A business's PAN and GSTIN are not personal data here: shown in full.
    return [
        (_("Name"), lambda e: e.name),
        (_("Type"), lambda e: e.get_kind_display()),
        (_("Sector"), lambda e: e.get_sector_display()),
        (_("District"), lambda e: e.district.name_en),
        (_("Block"), lambda e: e.block.name_en if e.block_id else ""),
        (_("Workers"), lambda e: e.workers_count),
        (_("PAN"), lambda e: e.pan),
        (_("GSTIN"), lambda e: e.gstin),
        (_("Self-certified this year"), lambda e: _yes_no(e.certified_count)),
        (_("Active"), lambda e: _yes_no(e.is_active)),
    ]


# --- The list ---------------------------------------------------------------------------


class EstablishmentListView(PortalListView):
    """The establishments the user may see: an employer's own, an official's districts'."""

    allowed_roles = READERS
    model = Establishment
    filterset_class = EstablishmentFilter
    template_name = "employers/establishment_list.html"
    export_name = "establishments"

    @property
    def export_columns(self):
        return _export_columns()

    def get_base_queryset(self):
        # Counting groups the rows, which drops the model's ordering: order again.
        return selectors.establishments_with_certification(
            selectors.establishment_list(user=self.request.user),
            year=timezone.localdate().year).order_by("name", "pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["may_register"] = self.request.user.has_role(R.EMPLOYER)
        context["year"] = timezone.localdate().year
        return context


# --- Registering and correcting -----------------------------------------------------------


class EstablishmentCreateView(RoleRequiredMixin, FormView):
    """An employer registers an establishment (they become its owner)."""

    allowed_roles = {R.EMPLOYER}
    form_class = EstablishmentForm
    template_name = "employers/establishment_form.html"

    def form_valid(self, form):
        try:
            establishment = services.establishment_register(
                actor=self.request.user, data=dict(form.cleaned_data), request=self.request)
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("%(name)s is registered.")
                         % {"name": establishment.name})
        return redirect(establishment)


class OwnEstablishmentMixin(RoleRequiredMixin):
    """Load the user's own establishment named in the URL (404 otherwise, audited)."""

    allowed_roles = {R.EMPLOYER}

    def dispatch(self, request, *args, **kwargs):
        # The role check comes first: a refused role is not told whether the record exists.
        if request.user.is_authenticated and request.user.has_role(*self.allowed_roles):
            self.establishment = scoped_object_or_404(
                request, selectors.establishment_list(user=request.user).filter(
                    owner=request.user), uuid=kwargs["uuid"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["establishment"] = self.establishment
        return context


class EstablishmentUpdateView(OwnEstablishmentMixin, FormView):
    """The owner corrects the details; the history keeps the earlier values."""

    form_class = EstablishmentUpdateForm
    template_name = "employers/establishment_form.html"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.establishment
        return kwargs

    def form_valid(self, form):
        try:
            establishment = services.establishment_update(
                actor=self.request.user, establishment_id=self.establishment.pk,
                data=dict(form.cleaned_data), request=self.request)
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("The details of %(name)s are saved.")
                         % {"name": establishment.name})
        return redirect(establishment)


# --- One establishment ------------------------------------------------------------------


class EstablishmentDetailView(PortalDetailView):
    """The establishment, and what applies to it: factory licence, projects (cess) and
    self-certification."""

    allowed_roles = READERS
    model = Establishment
    template_name = "employers/establishment_detail.html"
    context_object_name = "establishment"

    def get_base_queryset(self):
        return (selectors.establishment_list(user=self.request.user)
                .select_related("factory")
                .prefetch_related("certifications", "projects", "projects__district"))

    def get_object(self, queryset=None):
        # Out of scope: the same 404 as a missing establishment, and an audited refusal.
        return scoped_object_or_404(self.request, self.get_queryset(), uuid=self.kwargs["uuid"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        establishment, user = self.object, self.request.user
        year = timezone.localdate().year
        certifications = list(establishment.certifications.all())
        is_cess = establishment.kind in CESS_KINDS
        may_see_projects = is_cess and user.has_role(*PROJECT_READERS)
        context.update(
            year=year,
            is_owner=establishment.owner_id == user.pk,
            is_factory=establishment.kind == Establishment.Kind.FACTORY,
            factory=selectors.factory_of(establishment),
            is_cess=is_cess,
            may_see_projects=may_see_projects,
            projects=list(establishment.projects.all()) if may_see_projects else [],
            certification=next((c for c in certifications if c.year == year), None),
            certifications=certifications,
        )
        return context


urls = [
    path("establishments/", EstablishmentListView.as_view(), name="establishment_list"),
    path("establishments/new/", EstablishmentCreateView.as_view(),
         name="establishment_create"),
    path("establishments/<uuid:uuid>/", EstablishmentDetailView.as_view(),
         name="establishment_detail"),
    path("establishments/<uuid:uuid>/edit/", EstablishmentUpdateView.as_view(),
         name="establishment_update"),
]
