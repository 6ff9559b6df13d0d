"""Views of child labour: surveys, rescued children's cases and their sections.

Minors' records are the most restricted in the portal. Only district labour
officers, district admins and the state admin open these pages (the scoping rules
narrow officers and district admins to their districts); every page that shows a
child's record writes a sensitive-read audit event; exports beyond the district
(the state admin's) carry no names.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView

from compliance import selectors, services
from compliance.forms_child import (
    SECTION_FORMS,
    SECTION_TITLES,
    ChildCaseFilter,
    ChildCaseForm,
    ChildSurveyFilter,
    ChildSurveyFindingsForm,
    ChildSurveyForm,
    HearingForm,
    VisitForm,
)
from compliance.models import ChildCase, ChildSurvey, Outcome
from compliance.services.child import SECTIONS, child_fund_deposit_default
from core.audit import audit_event_record
from core.models import AuditEvent
from core.roles import RoleCode as R
from core.views.base import (
    PortalDetailView,
    PortalListView,
    RoleRequiredMixin,
    SensitiveReadMixin,
    scoped_object_or_404,
)
from registration.selectors import district_choices

READERS = {R.LABOUR_OFFICER, R.DISTRICT_ADMIN, R.STATE_ADMIN}
KEEPERS = {R.LABOUR_OFFICER, R.STATE_ADMIN}

# What the case waits for at each stage, and the section of the case page that records it.
NEXT_STEPS = {
    ChildCase.Stage.AWAITING_ORDER: (
        _("Next: record the Child Welfare Committee's order."), "order"),
    ChildCase.Stage.AWAITING_PLACEMENT: (
        _("Next: record where the Child Welfare Committee placed the child (restored to the "
          "family or a child care institution)."), "order"),
    ChildCase.Stage.AWAITING_SCHOOL: (
        _("Next: enrol the child in a school or an NCLP special training centre."),
        "rehabilitation"),
    ChildCase.Stage.REHABILITATED: (
        _("Rehabilitated: keep up the follow-up visits."), None),
}


def _date(value) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def _read_audit(request, *, obj, district, summary: str) -> None:
    audit_event_record(action=AuditEvent.Action.SENSITIVE_READ, request=request, obj=obj,
                       district=district, summary=summary)


def _add_service_error(form, exc: ValidationError) -> None:
    """Put a service's refusal on the form: by field when the form has it, else on top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def child_export_columns(user) -> list[tuple]:
    """Return the export columns of the child-case list for ``user``.

    Names (the child's, the guardian's, the employer's) stay in the district: only
    district officials, whose scope is their own districts, export them. The state
    admin's export carries numbers, places, ages, stages and dates.
    """
    columns = [
        (_("Case number"), lambda c: c.number),
        (_("District"), lambda c: c.district.name_en),
    ]
    with_names = not user.has_role(R.STATE_ADMIN)
    if with_names:
        columns += [
            (_("Child's name"), lambda c: c.name),
            (_("Parent / guardian"), lambda c: c.guardian_name),
        ]
    columns += [
        (_("Age"), lambda c: c.age),
        (_("Gender"), lambda c: c.get_gender_display()),
        (_("Hazardous work"), lambda c: _("Yes") if c.is_hazardous else _("No")),
        (_("Stage"), lambda c: c.get_stage_display()),
        (_("Rescued on"), lambda c: _date(c.rescued_on)),
        (_("CWC order on"), lambda c: _date(c.cwc_order_on)),
        (_("Enrolled on"), lambda c: _date(c.enrolled_on)),
        (_("Complaint filed on"), lambda c: _date(c.complaint_on)),
        (_("Outcome"), lambda c: c.get_outcome_display()),
        (_("Date of judgment"), lambda c: _date(c.outcome_on)),
        (_("Next follow-up visit"), lambda c: _date(c.next_visit_on)),
    ]
    if with_names:
        columns += [
            (_("Establishment"), lambda c: c.establishment_name),
            (_("Employer"), lambda c: c.employer_name),
            (_("Work done"), lambda c: c.work),
        ]
    return columns


# --- Rescued children --------------------------------------------------------------------


class ChildCaseListView(PortalListView):
    """The rescued children the user may see, filtered and exportable."""

    allowed_roles = READERS
    model = ChildCase
    filterset_class = ChildCaseFilter
    template_name = "compliance/child_list.html"
    export_name = "child-labour-cases"

    @property
    def export_columns(self):
        return child_export_columns(self.request.user)

    def get_base_queryset(self):
        return selectors.child_case_list(user=self.request.user)

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        kwargs["districts"] = district_choices(user=self.request.user)
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["may_keep"] = self.request.user.has_role(*KEEPERS)
        return context


class ChildCaseCreateView(RoleRequiredMixin, FormView):
    """Record a rescued child of one of the user's districts."""

    allowed_roles = KEEPERS
    form_class = ChildCaseForm
    template_name = "compliance/child_form.html"

    def districts(self):
        return district_choices(user=self.request.user)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        districts = self.districts()
        kwargs["districts"] = districts
        kwargs["surveys"] = selectors.child_survey_list(user=self.request.user).filter(
            district__in=districts).order_by("-starts_on", "-pk")
        return kwargs

    def get_initial(self):
        initial = super().get_initial()
        districts = list(self.districts()[:2])
        if len(districts) == 1:
            initial["district"] = districts[0]
        # "Record a rescued child" from a survey's page names the survey.
        survey = _uuid_or_none(self.request.GET.get("survey", ""))
        if survey is not None:
            found = selectors.child_survey_list(user=self.request.user).filter(
                uuid=survey).first()
            if found is not None:
                initial.update(survey=found, district=found.district)
        return initial

    def form_valid(self, form):
        try:
            case = services.child_case_create(actor=self.request.user, data=form.cleaned_data,
                                              request=self.request)
        except ValidationError as exc:
            _add_service_error(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Rescued child recorded as case %(number)s.")
                         % {"number": case.number})
        return redirect(case)


def _uuid_or_none(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


class UuidObjectMixin:
    """Fetch the page's object by the URL's UUID through scope (404 and audited otherwise)."""

    def get_object(self, queryset=None):
        if queryset is None:
            queryset = self.get_queryset()
        return scoped_object_or_404(self.request, queryset, uuid=self.kwargs["uuid"])


class ChildCaseDetailView(SensitiveReadMixin, UuidObjectMixin, PortalDetailView):
    """A rescued child's case: the child, order and placement, rehabilitation, court, visits."""

    allowed_roles = READERS
    model = ChildCase
    template_name = "compliance/child_detail.html"
    context_object_name = "case"
    sensitive_district = "district"

    def get_base_queryset(self):
        return selectors.child_case_detail(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        case = self.object
        next_step, next_section = NEXT_STEPS[case.stage]
        also_pending = []
        if not case.fund_deposit_amount:
            also_pending.append(_("The employer's deposit in the Rehabilitation-cum-Welfare "
                                  "Fund is not recorded."))
        if not case.complaint_on:
            also_pending.append(_("No complaint has been filed against the employer."))
        elif case.outcome == Outcome.PENDING:
            also_pending.append(_("The prosecution of the employer is pending in court."))
        context.update(
            hearings=list(case.hearings.all()),
            visits=list(case.visits.all()),
            may_keep=self.request.user.has_role(*KEEPERS),
            next_step=next_step, next_section=next_section, also_pending=also_pending,
            fund_deposit_default=child_fund_deposit_default(),
        )
        return context


class ChildCaseMixin(RoleRequiredMixin):
    """Load the case named in the URL through the user's scope (404 otherwise).

    Showing the case's form is a read of the child's record: it is audited too.
    """

    allowed_roles = KEEPERS

    def dispatch(self, request, *args, **kwargs):
        # The role check comes first: a refused role is not told whether the record exists.
        if request.user.is_authenticated and request.user.has_role(*self.allowed_roles):
            self.check_url(**kwargs)
            self.case = scoped_object_or_404(
                request, selectors.child_case_list(user=request.user), uuid=kwargs["uuid"])
            if request.method == "GET":
                _read_audit(request, obj=self.case, district=self.case.district,
                            summary="opened for editing")
        return super().dispatch(request, *args, **kwargs)

    def check_url(self, **kwargs) -> None:
        """Refuse a URL that names no part of a case (404)."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["case"] = self.case
        return context


class ChildCaseUpdateView(ChildCaseMixin, FormView):
    """Edit one section of a case: the child, the CWC order, rehabilitation, prosecution."""

    template_name = "compliance/child_section_form.html"

    def check_url(self, **kwargs) -> None:
        if kwargs.get("section") not in SECTIONS:
            raise Http404

    @property
    def section(self) -> str:
        return self.kwargs["section"]

    def get_form_class(self):
        return SECTION_FORMS[self.section]

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.case
        if self.section == "child":
            kwargs["surveys"] = selectors.child_survey_list(user=self.request.user).filter(
                district=self.case.district_id).order_by("-starts_on", "-pk")
        elif self.section == "rehabilitation":
            kwargs["fund_deposit_default"] = child_fund_deposit_default()
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(section=self.section, section_title=SECTION_TITLES[self.section])
        return context

    def form_valid(self, form):
        data = {field: form.cleaned_data[field] for field in SECTIONS[self.section]
                if field in form.cleaned_data}
        try:
            case = services.child_case_update(actor=self.request.user, case_id=self.case.pk,
                                              section=self.section, data=data,
                                              request=self.request)
        except ValidationError as exc:
            _add_service_error(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("%(section)s saved. Stage: %(stage)s.") % {
            "section": SECTION_TITLES[self.section], "stage": case.get_stage_display()})
        return redirect(case)


class ChildHearingView(ChildCaseMixin, FormView):
    """Record a court hearing of the prosecution of the child's employer."""

    form_class = HearingForm
    template_name = "compliance/child_hearing_form.html"

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            services.hearing_add(actor=self.request.user, case=self.case,
                                 held_on=data["held_on"], next_on=data["next_on"],
                                 notes=data["notes"], request=self.request)
        except ValidationError as exc:
            _add_service_error(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("The hearing is recorded."))
        return redirect(f"{self.case.get_absolute_url()}#h-prosecution")


class ChildVisitView(ChildCaseMixin, FormView):
    """Record a follow-up visit to the child; the next one falls due after it."""

    form_class = VisitForm
    template_name = "compliance/child_visit_form.html"

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            services.visit_record(actor=self.request.user, case=self.case,
                                  visited_on=data["visited_on"], findings=data["findings"],
                                  request=self.request)
        except ValidationError as exc:
            _add_service_error(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("The follow-up visit is recorded."))
        return redirect(f"{self.case.get_absolute_url()}#h-visits")


# --- Surveys -----------------------------------------------------------------------------


class ChildSurveyListView(PortalListView):
    """The child labour surveys the user may see, with the children recorded from each."""

    allowed_roles = READERS
    model = ChildSurvey
    filterset_class = ChildSurveyFilter
    template_name = "compliance/child_survey_list.html"
    export_name = "child-labour-surveys"
    export_columns = [
        (_("Area"), lambda s: s.area),
        (_("District"), lambda s: s.district.name_en),
        (_("First day"), lambda s: _date(s.starts_on)),
        (_("Last day"), lambda s: _date(s.ends_on)),
        (_("Establishments visited"), lambda s: s.establishments_visited),
        (_("Children found working"), lambda s: s.children_found),
        (_("Children recorded"), lambda s: s.cases_count),
    ]

    def get_base_queryset(self):
        # The count's GROUP BY drops the model's default ordering: give it again.
        return selectors.child_survey_list(user=self.request.user).order_by("-starts_on",
                                                                            "-pk")

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        kwargs["districts"] = district_choices(user=self.request.user)
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["may_keep"] = self.request.user.has_role(*KEEPERS)
        return context


class ChildSurveyCreateView(RoleRequiredMixin, FormView):
    """Plan a survey of a district with the Child Welfare Committee."""

    allowed_roles = KEEPERS
    form_class = ChildSurveyForm
    template_name = "compliance/child_survey_form.html"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["districts"] = district_choices(user=self.request.user)
        return kwargs

    def get_initial(self):
        districts = list(district_choices(user=self.request.user)[:2])
        return {"district": districts[0]} if len(districts) == 1 else {}

    def form_valid(self, form):
        try:
            survey = services.child_survey_save(actor=self.request.user,
                                                data=form.cleaned_data, request=self.request)
        except ValidationError as exc:
            _add_service_error(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("The survey is planned."))
        return redirect(survey)


class ChildSurveyMixin(RoleRequiredMixin):
    """Load the survey named in the URL through the user's scope (404 otherwise)."""

    allowed_roles = READERS

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.has_role(*self.allowed_roles):
            self.survey = scoped_object_or_404(
                request, selectors.child_survey_list(user=request.user), uuid=kwargs["uuid"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["survey"] = self.survey
        return context


class ChildSurveyDetailView(ChildSurveyMixin, TemplateView):
    """The survey, its findings and the children rescued in it (an audited read)."""

    template_name = "compliance/child_survey_detail.html"

    def get(self, request, *args, **kwargs):
        # The page names the children found: a read of minors' records.
        _read_audit(request, obj=self.survey, district=self.survey.district, summary="viewed")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["cases"] = list(selectors.child_case_list(user=self.request.user)
                                .filter(survey=self.survey).order_by("rescued_on", "pk"))
        context["may_keep"] = self.request.user.has_role(*KEEPERS)
        return context


class ChildSurveyUpdateView(ChildSurveyMixin, FormView):
    """Record a survey's findings (and correct its plan)."""

    allowed_roles = KEEPERS
    form_class = ChildSurveyFindingsForm
    template_name = "compliance/child_survey_form.html"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.survey
        return kwargs

    def form_valid(self, form):
        try:
            survey = services.child_survey_save(actor=self.request.user,
                                                data=form.cleaned_data,
                                                survey_id=self.survey.pk,
                                                request=self.request)
        except ValidationError as exc:
            _add_service_error(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("The survey is saved."))
        return redirect(survey)


urls = [
    path("child/", ChildCaseListView.as_view(), name="child_list"),
    path("child/new/", ChildCaseCreateView.as_view(), name="child_create"),
    path("child/surveys/", ChildSurveyListView.as_view(), name="child_survey_list"),
    path("child/surveys/new/", ChildSurveyCreateView.as_view(), name="child_survey_create"),
    path("child/surveys/<uuid:uuid>/", ChildSurveyDetailView.as_view(),
         name="child_survey_detail"),
    path("child/surveys/<uuid:uuid>/edit/", ChildSurveyUpdateView.as_view(),
         name="child_survey_update"),
    path("child/<uuid:uuid>/", ChildCaseDetailView.as_view(), name="child_detail"),
    path("child/<uuid:uuid>/edit/<str:section>/", ChildCaseUpdateView.as_view(),
         name="child_update"),
    path("child/<uuid:uuid>/hearings/new/", ChildHearingView.as_view(), name="child_hearing"),
    path("child/<uuid:uuid>/visits/new/", ChildVisitView.as_view(), name="child_visit"),
]
