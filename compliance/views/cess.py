"""Views of the BOC welfare cess: construction projects, assessments, payments, receipts,
the defaulters' list and collections.

An employer registers the projects of their construction establishments, self-assesses
the cess and pays it through the payment gateway; a receipt PDF is made in the
background. The district's labour officer (or the state admin) may issue an assessment
order, which then stands. District admins read. Everyone else gets a 404, as do
projects outside the user's scope (another employer's, another district's).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView, View

from compliance import selectors_safety
from compliance.forms_bonded import state_districts
from compliance.forms_cess import (
    DistrictFilterForm,
    OrderForm,
    PayForm,
    ProjectFilter,
    ProjectForm,
    SelfAssessForm,
)
from compliance.models import CessAssessment, CessPayment, ConstructionProject
from compliance.rules import cess_amount
from compliance.services import cess as services
from core.audit import audit_event_record
from core.models import AuditEvent
from core.money import rupees
from core.roles import RoleCode as R
from core.scoping import scoped
from core.views.base import (
    PortalListView,
    RoleRequiredMixin,
    private_file_response,
    scoped_object_or_404,
    table_download,
)
from employers.models import Establishment
from employers.selectors import establishment_list
from registration.selectors import district_choices

# Cess is the labour officers' (and the district admin's, who reads); employers see their own.
OFFICIALS = {R.LABOUR_OFFICER, R.DISTRICT_ADMIN, R.STATE_ADMIN}
ORDER_ISSUERS = {R.LABOUR_OFFICER, R.STATE_ADMIN}
EVERYONE = OFFICIALS | {R.EMPLOYER}
CESS_KINDS = (Establishment.Kind.CONSTRUCTION, Establishment.Kind.CONTRACTOR)
PAGE_SIZE = 50


def _date(value) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def _amount(value) -> str:
    """An amount for an export cell: plain digits, as spreadsheets read them."""
    return "" if value is None else f"{value:.2f}"


def cess_rate() -> Decimal:
    return Decimal(str(settings.COMPLIANCE_CESS_RATE))


def percent(rate) -> str:
    """Return a rate as a percentage without trailing zeros (0.01 -> "1%", 0.015 -> "1.5%")."""
    value = (Decimal(str(rate)) * 100).normalize()
    return f"{value:f}%"


def cess_working(cost, rate=None) -> str:
    """Return how the cess is worked out: "1% of ₹5,00,00,000 = ₹5,00,000"."""
    rate = cess_rate() if rate is None else rate
    return _("%(rate)s of %(cost)s = %(amount)s") % {
        "rate": percent(rate), "cost": rupees(cost), "amount": rupees(cess_amount(cost, rate))}


def _is_official(user) -> bool:
    return user.has_role(*OFFICIALS)


def _district_name(row: dict) -> str:
    if get_language() == "hi" and row.get("district__name_hi"):
        return row["district__name_hi"]
    return row["district__name_en"]


def _balance(project) -> Decimal | None:
    if project.assessed is None:
        return None
    return max(project.assessed - project.paid_total, Decimal(0))


def _is_late(project, today) -> bool:
    """Past the due day with cess still unpaid (interest is on the project page)."""
    return (project.assessed is not None and project.due_on is not None
            and project.due_on < today and project.paid_total < project.assessed)


# --- Projects -----------------------------------------------------------------------------


class ProjectListView(PortalListView):
    """The projects the user may see, with what is assessed, paid and still owed."""

    allowed_roles = EVERYONE
    model = ConstructionProject
    filterset_class = ProjectFilter
    template_name = "compliance/project_list.html"
    export_name = "cess-projects"

    @property
    def export_columns(self):
        today = timezone.localdate()
        return [
            (_("Project"), lambda p: p.name),
            (_("Establishment"), lambda p: p.establishment.name),
            (_("District"), lambda p: p.district.name_en),
            (_("Estimated cost (₹)"), lambda p: _amount(p.estimated_cost)),
            (_("Cess assessed (₹)"), lambda p: _amount(p.assessed)),
            (_("Paid (₹)"), lambda p: _amount(p.paid_total)),
            (_("Due by"), lambda p: _date(p.due_on)),
            (_("Balance (₹)"), lambda p: _amount(_balance(p))),
            (_("Late"), lambda p: _("Yes") if _is_late(p, today) else _("No")),
        ]

    def get_base_queryset(self):
        return selectors_safety.project_list(user=self.request.user)

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        user = self.request.user
        kwargs["districts"] = district_choices(user=user) if _is_official(user) else None
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, today = self.request.user, timezone.localdate()
        rows = list(context["object_list"])
        for project in rows:
            project.balance = _balance(project)
            project.is_late = _is_late(project, today)
        context["object_list"] = rows
        context["is_official"] = _is_official(user)
        context["is_employer"] = user.has_role(R.EMPLOYER)
        # Where the employer may register a project: their builder and contractor firms.
        context["establishments"] = (
            list(establishment_list(user=user).filter(owner=user, kind__in=CESS_KINDS)
                 .order_by("name")) if context["is_employer"] else [])
        return context


class ProjectCreateView(RoleRequiredMixin, FormView):
    """Register a construction project of one of the employer's establishments."""

    allowed_roles = {R.EMPLOYER}
    form_class = ProjectForm
    template_name = "compliance/project_form.html"

    def dispatch(self, request, *args, **kwargs):
        # The role check comes first: a refused role is not told whether the record exists.
        if request.user.is_authenticated and request.user.has_role(*self.allowed_roles):
            self.establishment = scoped_object_or_404(
                request, establishment_list(user=request.user).filter(owner=request.user),
                uuid=kwargs["establishment"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["districts"] = state_districts()
        return kwargs

    def get_initial(self):
        return {"district": self.establishment.district_id}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["establishment"] = self.establishment
        context["is_cess_kind"] = self.establishment.kind in CESS_KINDS
        return context

    def form_valid(self, form):
        try:
            project = services.project_register(
                actor=self.request.user, establishment_id=self.establishment.pk,
                data=dict(form.cleaned_data), request=self.request)
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("The project %(name)s is registered. Self-assess "
                                         "its cess next.") % {"name": project.name})
        return redirect(project)


def project_queryset(user):
    """The projects the user may see, with assessments and payments for the project page."""
    return (selectors_safety.project_list(user=user)
            .select_related("establishment__owner")
            .prefetch_related(
                Prefetch("assessments",
                         queryset=CessAssessment.objects.select_related("assessed_by")),
                "payments"))


class ProjectMixin(RoleRequiredMixin):
    """Load the project named in the URL through the user's scope (404 otherwise)."""

    allowed_roles = EVERYONE

    def dispatch(self, request, *args, **kwargs):
        # The role check comes first: a refused role is not told whether the record exists.
        if request.user.is_authenticated and request.user.has_role(*self.allowed_roles):
            self.project = scoped_object_or_404(request, project_queryset(request.user),
                                                uuid=kwargs["uuid"])
        return super().dispatch(request, *args, **kwargs)

    def is_owner(self) -> bool:
        return self.project.establishment.owner_id == self.request.user.pk

    def order_stands(self) -> bool:
        return any(a.kind == CessAssessment.Kind.ORDER for a in self.project.assessments.all())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["project"] = self.project
        return context


class ProjectDetailView(ProjectMixin, TemplateView):
    """The project, its assessments (the one that stands marked), payments and dues."""

    template_name = "compliance/project_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        project, user = self.project, self.request.user
        dues = services.project_dues(project)
        standing = dues["assessment"] if dues else None
        assessments = sorted(project.assessments.all(),
                             key=lambda a: (a.assessed_at, a.pk), reverse=True)
        for assessment in assessments:
            assessment.stands = standing is not None and assessment.pk == standing.pk
            assessment.rate_display = percent(assessment.rate)
        is_owner = self.is_owner() and user.has_role(R.EMPLOYER)
        context.update(
            dues=dues,
            assessments=assessments,
            payments=list(project.payments.all()),
            paid_total=project.paid_total,
            is_owner=is_owner,
            may_self_assess=is_owner and not self.order_stands(),
            may_pay=is_owner and dues is not None and dues["total"] > 0,
            may_order=user.has_role(*ORDER_ISSUERS),
        )
        return context


class ProjectFormView(ProjectMixin, FormView):
    """One step on a project: validate, call one service, go back to the project.

    A refusal by the service is shown on the form with what was typed; nothing is saved.
    """

    done_message = ""

    def perform(self, form):
        raise NotImplementedError

    def form_valid(self, form):
        try:
            self.perform(form)
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(self.request, self.done_message)
        return redirect(self.project)


class SelfAssessView(ProjectFormView):
    """The employer gives the cost of construction; the cess is worked out and saved.

    "Work out the cess" shows the amount for the cost typed without saving it.
    """

    allowed_roles = {R.EMPLOYER}
    form_class = SelfAssessForm
    template_name = "compliance/cess_assess_form.html"

    def get_initial(self):
        return {"cost": self.project.estimated_cost}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        cost = (getattr(form, "cleaned_data", {}).get("cost") if form.is_bound
                else self.project.estimated_cost)
        context.update(rate=percent(cess_rate()), order_stands=self.order_stands(),
                       working=cess_working(cost) if cost and cost > 0 else "",
                       is_preview="preview" in self.request.POST)
        return context

    def form_valid(self, form):
        if "preview" in self.request.POST:
            return self.render_to_response(self.get_context_data(form=form))
        return super().form_valid(form)

    def perform(self, form):
        assessment = services.cess_self_assess(
            actor=self.request.user, project_id=self.project.pk,
            cost=form.cleaned_data["cost"], request=self.request)
        self.done_message = _("The self-assessment is saved: %(working)s, to be paid by "
                              "%(due)s.") % {"working": cess_working(assessment.cost,
                                                                     assessment.rate),
                                             "due": _date(assessment.due_on)}


class OrderView(ProjectFormView):
    """The district's labour officer (or the state admin) issues an assessment order."""

    allowed_roles = ORDER_ISSUERS
    form_class = OrderForm
    template_name = "compliance/cess_order_form.html"

    def get_initial(self):
        return {"cost": self.project.estimated_cost}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(rate=percent(cess_rate()), dues=services.project_dues(self.project))
        return context

    def perform(self, form):
        data = form.cleaned_data
        assessment = services.cess_order_issue(
            actor=self.request.user, project_id=self.project.pk, cost=data["cost"],
            order_number=data["order_number"], reason=data["reason"],
            due_on=data.get("due_on"), request=self.request)
        self.done_message = _("Assessment order %(number)s is issued: %(working)s, to be "
                              "paid by %(due)s. It stands over the self-assessment.") % {
            "number": assessment.order_number,
            "working": cess_working(assessment.cost, assessment.rate),
            "due": _date(assessment.due_on)}


class PayView(ProjectFormView):
    """The employer pays what is owed (or a part) through the payment gateway."""

    allowed_roles = {R.EMPLOYER}
    form_class = PayForm
    template_name = "compliance/cess_pay_form.html"

    def dispatch(self, request, *args, **kwargs):
        self.dues = None
        return super().dispatch(request, *args, **kwargs)

    def get_dues(self):
        if self.dues is None:
            self.dues = services.project_dues(self.project)
        return self.dues

    def get_initial(self):
        dues = self.get_dues()
        return {"amount": dues["total"]} if dues and dues["total"] > 0 else {}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        dues = self.get_dues()
        context.update(dues=dues, may_pay=dues is not None and dues["total"] > 0)
        return context

    def perform(self, form):
        payment = services.cess_pay(actor=self.request.user, project_id=self.project.pk,
                                    amount=form.cleaned_data["amount"], request=self.request)
        self.done_message = _(
            "%(amount)s is paid; the challan reference is %(reference)s. The receipt is being "
            "prepared and will be ready to download here in a moment.") % {
            "amount": rupees(payment.amount), "reference": payment.challan_reference}


# --- Receipts -----------------------------------------------------------------------------


class ReceiptView(RoleRequiredMixin, View):
    """Download a payment's receipt PDF, or say that it is still being prepared."""

    allowed_roles = EVERYONE

    def get(self, request, uuid):
        payment = scoped_object_or_404(
            request, scoped(request.user, CessPayment).select_related("project"), uuid=uuid)
        if not payment.receipt:
            return TemplateResponse(request, "compliance/cess_receipt_pending.html",
                                    {"payment": payment, "project": payment.project})
        return private_file_response(
            payment.receipt, content_type="application/pdf",
            filename=f"cess-receipt-{payment.challan_reference}.pdf")


# --- Reports ------------------------------------------------------------------------------


class ReportView(RoleRequiredMixin, TemplateView):
    """A report of rows (not a queryset), filtered by district, paginated and exportable."""

    allowed_roles = OFFICIALS
    export_name = ""
    object_type = ""

    def rows(self) -> list:
        raise NotImplementedError

    def row_district_id(self, row) -> int:
        raise NotImplementedError

    def export_columns(self) -> list:
        raise NotImplementedError

    def filtered_rows(self) -> list:
        self.filter_form = DistrictFilterForm(
            self.request.GET or None, districts=district_choices(user=self.request.user))
        district = None
        if self.filter_form.is_bound and self.filter_form.is_valid():
            district = self.filter_form.cleaned_data.get("district")
        self.district_id = district.pk if district is not None else None
        rows = self.rows()
        if self.district_id is not None:
            rows = [row for row in rows if self.row_district_id(row) == self.district_id]
        return rows

    def get(self, request, *args, **kwargs):
        fmt = request.GET.get("export")
        if fmt in ("csv", "xlsx"):
            return self.export(fmt)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = self.filtered_rows()
        page = Paginator(rows, PAGE_SIZE).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        query.pop("export", None)
        context.update(rows=rows, page_obj=page, object_list=list(page.object_list),
                       filter_form=self.filter_form, filter_query=query.urlencode())
        return context

    def export(self, fmt: str):
        """Download every row of the report (the filter applied); audited."""
        rows = self.filtered_rows()
        columns = self.export_columns()
        audit_event_record(
            action=AuditEvent.Action.EXPORT, request=self.request,
            object_type=self.object_type, summary=f"{len(rows)} rows as {fmt}",
            detail={"rows": len(rows), "format": fmt,
                    "filter": {k: v for k, v in self.request.GET.items() if k != "export"}})
        filename = f"{self.export_name}-{timezone.localdate():%Y%m%d}.{fmt}"
        return table_download(fmt=fmt, headers=[str(header) for header, _f in columns],
                              values=([func(row) for _h, func in columns] for row in rows),
                              filename=filename)


class DefaultersView(ReportView):
    """Projects past their due day that still owe cess or interest."""

    template_name = "compliance/cess_defaulters.html"
    export_name = "cess-defaulters"
    object_type = "compliance.constructionproject"

    def rows(self) -> list:
        # The selector narrows to the district itself (a state admin's one district is
        # then worked out alone, not the whole state's).
        return selectors_safety.cess_defaulters(user=self.request.user,
                                                district_id=self.district_id)

    def row_district_id(self, row) -> int:
        return row[0].district_id

    def export_columns(self) -> list:
        return [
            (_("Project"), lambda r: r[0].name),
            (_("Establishment"), lambda r: r[0].establishment.name),
            (_("District"), lambda r: r[0].district.name_en),
            (_("Due on"), lambda r: _date(r[1]["assessment"].due_on)),
            (_("Months late"), lambda r: r[1]["months_late"]),
            (_("Cess unpaid (₹)"), lambda r: _amount(r[1]["principal"])),
            (_("Interest (₹)"), lambda r: _amount(r[1]["interest"])),
            (_("Total owed (₹)"), lambda r: _amount(r[1]["total"])),
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = context["rows"]
        context["totals"] = {key: sum((dues[key] for _p, dues in rows), Decimal(0))
                             for key in ("principal", "interest", "total")}
        return context


class CollectionsView(ReportView):
    """Cess collected per district and month."""

    template_name = "compliance/cess_collections.html"
    export_name = "cess-collections"
    object_type = "compliance.cesspayment"

    def rows(self) -> list:
        rows = selectors_safety.cess_collections(user=self.request.user)
        for row in rows:
            row["district_name"] = _district_name(row)
        return rows

    def row_district_id(self, row) -> int:
        return row["district_id"]

    def export_columns(self) -> list:
        return [
            (_("District"), lambda r: r["district__name_en"]),
            (_("Month"), lambda r: r["month"].strftime("%m/%Y")),
            (_("Amount collected (₹)"), lambda r: _amount(r["amount"])),
            (_("Payments"), lambda r: r["payments"]),
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = context["rows"]
        context["totals"] = {"amount": sum((row["amount"] for row in rows), Decimal(0)),
                             "payments": sum(row["payments"] for row in rows)}
        return context


urls = [
    path("cess/projects/", ProjectListView.as_view(), name="project_list"),
    path("cess/projects/new/<uuid:establishment>/", ProjectCreateView.as_view(),
         name="project_create"),
    path("cess/projects/<uuid:uuid>/", ProjectDetailView.as_view(), name="project_detail"),
    path("cess/projects/<uuid:uuid>/assess/", SelfAssessView.as_view(),
         name="cess_self_assess"),
    path("cess/projects/<uuid:uuid>/order/", OrderView.as_view(), name="cess_order"),
    path("cess/projects/<uuid:uuid>/pay/", PayView.as_view(), name="cess_pay"),
    path("cess/payments/<uuid:uuid>/receipt/", ReceiptView.as_view(), name="cess_receipt"),
    path("cess/defaulters/", DefaultersView.as_view(), name="cess_defaulters"),
    path("cess/collections/", CollectionsView.as_view(), name="cess_collections"),
]
