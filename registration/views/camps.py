"""Views of registration: camps and district targets."""

from __future__ import annotations

import django_filters
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView

from core.roles import RoleCode as R
from core.views.base import PortalListView, RoleRequiredMixin, scoped_object_or_404
from registration import forms, selectors, services
from registration.models import Camp, Worker

CAMP_VIEWERS = {R.LABOUR_OFFICER, R.DISTRICT_ADMIN, R.STATE_ADMIN, R.CSC_OPERATOR}
CAMP_ORGANISERS = {R.LABOUR_OFFICER, R.STATE_ADMIN}


class CampFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains", label=_("Camp name"))
    date_from = django_filters.DateFilter(field_name="ends_on", lookup_expr="gte",
                                          label=_("From"), widget=forms.DATE_INPUT)

    class Meta:
        model = Camp
        fields = []


class CampListView(PortalListView):
    allowed_roles = CAMP_VIEWERS
    model = Camp
    filterset_class = CampFilter
    template_name = "registration/camp_list.html"
    export_name = "camps"
    export_columns = [
        (_("Camp name"), lambda c: c.name), (_("Place"), lambda c: c.place),
        (_("District"), lambda c: c.district.name_en),
        (_("Block"), lambda c: c.block.name_en if c.block else ""),
        (_("First day"), lambda c: c.starts_on.strftime("%d/%m/%Y")),
        (_("Last day"), lambda c: c.ends_on.strftime("%d/%m/%Y")),
        (_("Organiser"), lambda c: c.organiser),
        (_("Registrations"), lambda c: c.workers_count),
    ]

    def get_base_queryset(self):
        return selectors.camp_list(user=self.request.user)


class CampCreateView(RoleRequiredMixin, FormView):
    allowed_roles = CAMP_ORGANISERS
    form_class = forms.CampForm
    template_name = "registration/camp_form.html"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["districts"] = selectors.district_choices(user=self.request.user)
        return kwargs

    def form_valid(self, form):
        try:
            camp = services.camp_create(actor=self.request.user, data=form.cleaned_data,
                                        request=self.request)
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Camp created."))
        return redirect(camp)


class CampDetailView(RoleRequiredMixin, TemplateView):
    allowed_roles = CAMP_VIEWERS
    template_name = "registration/camp_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        camp = scoped_object_or_404(self.request, selectors.camp_list(user=self.request.user),
                                    uuid=self.kwargs["uuid"])
        counts = selectors.camp_status_counts(camp=camp)
        context["camp"] = camp
        context["counts"] = [(Worker.Status(code).label, code, n) for code, n in counts.items()]
        context["total"] = sum(counts.values())
        return context


class TargetListView(RoleRequiredMixin, FormView):
    """Targets with progress; the state admin sets them on the same page."""

    allowed_roles = {R.STATE_ADMIN, R.DISTRICT_ADMIN, R.LABOUR_OFFICER}
    form_class = forms.TargetForm
    template_name = "registration/target_list.html"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["districts"] = selectors.district_choices(user=self.request.user)
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rows"] = selectors.target_progress(user=self.request.user)
        context["channels"] = Worker.Channel.choices
        context["can_set"] = self.request.user.has_role(R.STATE_ADMIN)
        return context

    def post(self, request, *args, **kwargs):
        if not request.user.has_role(R.STATE_ADMIN):
            from django.http import Http404

            raise Http404
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        services.district_target_set(actor=self.request.user, request=self.request,
                                     **form.cleaned_data)
        messages.success(self.request, _("Target saved."))
        return redirect("registration:target_list")


urls = [
    path("camps/", CampListView.as_view(), name="camp_list"),
    path("camps/new/", CampCreateView.as_view(), name="camp_create"),
    path("camps/<uuid:uuid>/", CampDetailView.as_view(), name="camp_detail"),
    path("targets/", TargetListView.as_view(), name="target_list"),
]
