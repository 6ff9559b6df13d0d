"""Views of the migration register: the list, one journey, recording a journey, a return."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import path
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.generic import TemplateView

from core.roles import RoleCode as R
from core.views.base import PortalListView, RoleRequiredMixin, scoped_object_or_404
from migrants import selectors, services
from migrants.filters import MigrantFilter
from migrants.forms import CompanionFormSet, MigrantForm, ReturnForm, WorkerFindForm
from migrants.models import Migrant
from registration import selectors as registration_selectors

OFFICERS = {R.LABOUR_OFFICER, R.DISTRICT_ADMIN, R.STATE_ADMIN}
# The helpline finds a caller's journeys wherever they are from (read only).
REGISTER_VIEWERS = OFFICERS | {R.HELPLINE_AGENT}
# Those who may open a worker's registration page, or start a registration.
WORKER_VIEWERS = OFFICERS
WORKER_REGISTRARS = {R.LABOUR_OFFICER, R.STATE_ADMIN}


def _date(value) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def _migrant_export_columns():
    # The register's own fields; no identifiers of the linked worker beyond the number.
    return [
        (_("Name"), lambda m: m.name),
        (_("Mobile number"), lambda m: m.mobile),
        (_("Gender"), lambda m: m.get_gender_display()),
        (_("Age"), lambda m: m.age if m.age is not None else ""),
        (_("Registration number"), lambda m: (m.worker.registration_number or "")
         if m.worker_id else ""),
        (_("Home district"), lambda m: m.origin_district.name_en),
        (_("Home block"), lambda m: m.origin_block.name_en if m.origin_block_id else ""),
        (_("Destination state"), lambda m: m.destination_state.name_en),
        (_("Destination district or city"), lambda m: m.destination_place),
        (_("Employer or contractor"), lambda m: m.employer_name),
        (_("Sector"), lambda m: m.get_sector_display()),
        (_("Work done"), lambda m: m.work),
        (_("Left home on"), lambda m: _date(m.departed_on)),
        (_("Expected back on"), lambda m: _date(m.expected_return_on)),
        (_("Came back on"), lambda m: _date(m.returned_on)),
        (_("Status"), lambda m: m.get_status_display()),
        (_("Survey"), lambda m: m.survey.name if m.survey_id else ""),
        (_("Household"), lambda m: m.household),
    ]


# --- The register -----------------------------------------------------------------------


class MigrantListView(PortalListView):
    """The register of journeys the user may see, filtered and exportable."""

    allowed_roles = REGISTER_VIEWERS
    model = Migrant
    filterset_class = MigrantFilter
    template_name = "migrants/migrant_list.html"
    export_name = "migration-register"

    @property
    def export_columns(self):
        return _migrant_export_columns()

    def get_base_queryset(self):
        return selectors.migrant_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["may_record"] = self.request.user.has_role(*OFFICERS)
        return context


# --- One journey --------------------------------------------------------------------------


class MigrantMixin(RoleRequiredMixin):
    """Load the journey named in the URL through the user's scope (404 otherwise)."""

    allowed_roles = REGISTER_VIEWERS

    def dispatch(self, request, *args, **kwargs):
        # The role check comes first: a refused role is not told whether the record exists.
        if request.user.is_authenticated and request.user.has_role(*self.allowed_roles):
            self.migrant = scoped_object_or_404(
                request, selectors.migrant_list(user=request.user)
                .prefetch_related("companions"), uuid=kwargs["uuid"])
        return super().dispatch(request, *args, **kwargs)


class MigrantDetailView(MigrantMixin, TemplateView):
    """The journey, who went along, the registered worker and the person's other journeys."""

    template_name = "migrants/migrant_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, migrant = self.request.user, self.migrant
        context["migrant"] = migrant
        context["companions"] = list(migrant.companions.all())
        context["has_child"] = any(c.is_child for c in context["companions"])
        context["timeline"] = list(selectors.migrant_timeline(user=user, migrant=migrant))
        context["can_open_worker"] = user.has_role(*WORKER_VIEWERS)
        context["can_register_worker"] = user.has_role(*WORKER_REGISTRARS)
        context["may_record_return"] = (user.has_role(*OFFICERS)
                                        and migrant.status != Migrant.Status.RETURNED)
        context["return_form"] = kwargs.get("return_form") or ReturnForm()
        return context


class MigrantReturnView(MigrantDetailView):
    """Record that the person came back (a POST); errors are shown on the journey's page."""

    allowed_roles = OFFICERS
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = ReturnForm(request.POST)
        if form.is_valid():
            try:
                services.migrant_return_record(
                    actor=request.user, migrant_id=self.migrant.pk,
                    returned_on=form.cleaned_data["returned_on"], request=request)
            except ValidationError as exc:
                form.add_error("returned_on", exc)
            else:
                messages.success(request, _("The return is recorded."))
                return redirect(self.migrant)
        return self.render_to_response(self.get_context_data(return_form=form))


# --- Recording a journey --------------------------------------------------------------


@method_decorator(sensitive_post_parameters("aadhaar"), name="dispatch")
class MigrantCreateView(RoleRequiredMixin, TemplateView):
    """Find the registered worker first (mobile, number or Aadhaar), then record the journey.

    The page is POSTed twice: ``step=find`` looks the worker up and shows the journey
    form prefilled; ``step=record`` records it. The Aadhaar number is only POSTed and
    is never put back into the page.
    """

    allowed_roles = OFFICERS
    template_name = "migrants/migrant_form.html"

    def districts(self):
        return registration_selectors.district_choices(user=self.request.user)

    def journey_form(self, data=None, initial=None):
        return MigrantForm(data=data, initial=initial or {}, districts=self.districts(),
                           workers=registration_selectors.worker_list(user=self.request.user))

    def default_initial(self) -> dict:
        districts = list(self.districts()[:2])
        return {"origin_district": districts[0]} if len(districts) == 1 else {}

    def get(self, request, *args, **kwargs):
        context = {"find_form": WorkerFindForm()}
        if request.GET.get("skip") == "1":
            context.update(journey_form=self.journey_form(initial=self.default_initial()),
                           companion_formset=CompanionFormSet(prefix="companions"))
        return self.render_to_response(self.get_context_data(**context))

    def post(self, request, *args, **kwargs):
        if request.POST.get("step") == "record":
            return self.record()
        return self.find()

    def find(self):
        find_form = WorkerFindForm(self.request.POST)
        context = {"find_form": find_form}
        if find_form.is_valid():
            data = find_form.cleaned_data
            worker = selectors.worker_find(user=self.request.user, mobile=data["mobile"],
                                           registration_number=data["registration_number"],
                                           aadhaar=data["aadhaar"])
            initial = self.default_initial()
            if worker is not None:
                initial.update(worker=worker.uuid, name=worker.display_name,
                               mobile=worker.mobile, gender=worker.gender)
                if worker.district_id in {d.pk for d in self.districts()}:
                    initial.update(origin_district=worker.district_id,
                                   origin_block=worker.block_id,
                                   origin_village=worker.village_id)
            else:
                initial["mobile"] = data["mobile"]
            # A new, empty find form: the Aadhaar number is not sent back to the phone.
            context.update(worker=worker, searched=True, find_form=WorkerFindForm(),
                           journey_form=self.journey_form(initial=initial),
                           companion_formset=CompanionFormSet(prefix="companions"))
        return self.render_to_response(self.get_context_data(**context))

    def record(self):
        form = self.journey_form(data=self.request.POST)
        formset = CompanionFormSet(self.request.POST, prefix="companions")
        if form.is_valid() and formset.is_valid():
            companions = [f.cleaned_data for f in formset
                          if f.has_changed() and f.cleaned_data.get("name")]
            try:
                migrant, _created = services.migrant_record(
                    actor=self.request.user, data=form.cleaned_data, companions=companions,
                    request=self.request)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(self.request, _("The journey is recorded in the register."))
                return redirect(migrant)
        worker = form.cleaned_data.get("worker") if hasattr(form, "cleaned_data") else None
        return self.render_to_response(self.get_context_data(
            find_form=WorkerFindForm(), journey_form=form, companion_formset=formset,
            worker=worker, searched=True))


# --- Home page -----------------------------------------------------------------------------


urls = [
    path("register/", MigrantListView.as_view(), name="migrant_list"),
    path("register/new/", MigrantCreateView.as_view(), name="migrant_create"),
    path("register/<uuid:uuid>/", MigrantDetailView.as_view(), name="migrant_detail"),
    path("register/<uuid:uuid>/return/", MigrantReturnView.as_view(), name="migrant_return"),
]
