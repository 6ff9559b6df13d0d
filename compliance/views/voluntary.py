"""Views of voluntary compliance: an establishment's yearly self-certification, the list
of certifications, the report by district and sector, and the registers' download.

The employer certifies for their own establishments (and sees only theirs); the
district's officials (district admin, labour officer, safety inspector) read those of
their districts and the state admin all. Everyone else gets a 404, as do records
outside the user's scope.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView, View

from compliance import selectors_safety, services
from compliance.forms_voluntary import (
    DECLARATION,
    CertificationFilter,
    ReportYearForm,
    SelfCertificationForm,
)
from compliance.models import SELF_CERTIFICATION_ACTS, SelfCertification
from core.audit import audit_event_record
from core.models import AuditEvent
from core.roles import RoleCode as R
from core.views.base import (
    PortalListView,
    RoleRequiredMixin,
    private_file_response,
    scoped_object_or_404,
    table_download,
)
from employers.models import Sector
from employers.selectors import establishment_list

OFFICIALS = {R.STATE_ADMIN, R.DISTRICT_ADMIN, R.LABOUR_OFFICER, R.SAFETY_INSPECTOR}
READERS = OFFICIALS | {R.EMPLOYER}


def _date(value) -> str:
    return timezone.localtime(value).strftime("%d/%m/%Y") if value else ""


# --- Certifying ---------------------------------------------------------------------------


class CertificationCreateView(RoleRequiredMixin, FormView):
    """The owner certifies the establishment's compliance for this year (once a year)."""

    allowed_roles = {R.EMPLOYER}
    form_class = SelfCertificationForm
    template_name = "compliance/certification_form.html"

    def dispatch(self, request, *args, **kwargs):
        # The role check comes first: a refused role is not told whether the record exists.
        if request.user.is_authenticated and request.user.has_role(*self.allowed_roles):
            self.establishment = scoped_object_or_404(
                request, establishment_list(user=request.user).filter(owner=request.user),
                uuid=kwargs["establishment"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        year = timezone.localdate().year
        context.update(
            establishment=self.establishment, year=year, declaration=DECLARATION,
            existing=SelfCertification.objects.filter(establishment=self.establishment,
                                                      year=year).first())
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            certification = services.self_certify(
                actor=self.request.user, establishment_id=self.establishment.pk,
                acts=data["acts"], is_declared=data["is_declared"],
                registers=data["registers"], request=self.request)
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(self.request, _(
            "%(name)s is self-certified for %(year)s. It is now left out of routine "
            "inspections, except a random sample of self-certified establishments.") % {
            "name": self.establishment.name, "year": certification.year})
        return redirect(self.establishment)


# --- The list -----------------------------------------------------------------------------


def _export_columns():
    return [
        (_("Year"), lambda c: c.year),
        (_("Establishment"), lambda c: c.establishment.name),
        (_("PAN"), lambda c: c.establishment.pan),
        (_("Type"), lambda c: c.establishment.get_kind_display()),
        (_("Sector"), lambda c: c.establishment.get_sector_display()),
        (_("District"), lambda c: c.district.name_en),
        (_("Acts"), lambda c: "; ".join(str(label) for code, label in SELF_CERTIFICATION_ACTS
                                         if c.checklist.get(code))),
        (_("Submitted on"), lambda c: _date(c.submitted_at)),
        (_("Status"), lambda c: c.get_status_display()),
        (_("Revoked on"), lambda c: _date(c.revoked_at)),
        (_("Reason for revocation"), lambda c: c.revoked_reason),
    ]


class CertificationListView(PortalListView):
    """The self-certifications the user may see: an employer's own, an official's
    districts'."""

    allowed_roles = READERS
    model = SelfCertification
    filterset_class = CertificationFilter
    template_name = "compliance/certification_list.html"
    export_name = "self-certifications"

    @property
    def export_columns(self):
        return _export_columns()

    def get_base_queryset(self):
        return selectors_safety.certification_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["is_official"] = user.has_role(*OFFICIALS)
        context["is_employer"] = user.has_role(R.EMPLOYER)
        return context


# --- The report ---------------------------------------------------------------------------


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}" if whole else "—"


def report_rows(rows: list[dict]) -> dict:
    """Return the report's rows (district, sector, certifiers, total, %) with a subtotal
    per district and the grand total."""
    sectors = dict(Sector.choices)
    hindi = get_language() == "hi"
    districts: dict = {}
    for row in rows:
        name = (row["district__name_hi"] if hindi and row["district__name_hi"]
                else row["district__name_en"])
        district = districts.setdefault(row["district_id"], {
            "name": name, "rows": [], "certifiers": 0, "total": 0})
        district["rows"].append({
            "sector": sectors.get(row["sector"], row["sector"]),
            "certifiers": row["certifiers"], "total": row["total"],
            "percent": _percent(row["certifiers"], row["total"])})
        district["certifiers"] += row["certifiers"]
        district["total"] += row["total"]
    for district in districts.values():
        district["percent"] = _percent(district["certifiers"], district["total"])
    certifiers = sum(d["certifiers"] for d in districts.values())
    total = sum(d["total"] for d in districts.values())
    return {"districts": list(districts.values()),
            "totals": {"certifiers": certifiers, "total": total,
                       "percent": _percent(certifiers, total)}}


class CertificationReportView(RoleRequiredMixin, TemplateView):
    """Active establishments by district and sector: how many self-certified this year."""

    allowed_roles = OFFICIALS
    template_name = "compliance/certification_report.html"

    def get(self, request, *args, **kwargs):
        self.form = ReportYearForm(request.GET or None)
        self.year = (self.form.cleaned_data["year"] if self.form.is_valid()
                     else timezone.localdate().year)
        fmt = request.GET.get("export")
        if fmt in ("csv", "xlsx"):
            return self.export(fmt)
        return super().get(request, *args, **kwargs)

    def report(self) -> dict:
        return report_rows(selectors_safety.certification_report(user=self.request.user,
                                                                 year=self.year))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(form=self.form, year=self.year, report=self.report(),
                       export_query=f"year={self.year}")
        return context

    def export(self, fmt: str):
        """Download the report, one row per district and sector (audited)."""
        report = self.report()
        values = [[district["name"], str(row["sector"]), row["certifiers"], row["total"],
                   row["percent"]]
                  for district in report["districts"] for row in district["rows"]]
        audit_event_record(action=AuditEvent.Action.EXPORT, request=self.request,
                           object_type="compliance.certification_report",
                           summary=f"self-certification report {self.year} as {fmt}",
                           detail={"rows": len(values), "format": fmt, "year": self.year})
        headers = [str(_("District")), str(_("Sector")), str(_("Self-certified")),
                   str(_("Establishments")), str(_("Per cent"))]
        filename = f"self-certification-{self.year}-{timezone.localdate():%Y%m%d}.{fmt}"
        return table_download(fmt=fmt, headers=headers, values=values, filename=filename)


# --- The registers --------------------------------------------------------------------------


class CertificationRegistersView(RoleRequiredMixin, View):
    """Download the registers attached to a self-certification (as an attachment)."""

    allowed_roles = READERS

    def get(self, request, uuid):
        certification = scoped_object_or_404(
            request, selectors_safety.certification_list(user=request.user), uuid=uuid)
        if not certification.registers:
            raise Http404
        response = private_file_response(
            certification.registers, content_type="application/pdf",
            filename=f"registers-{certification.year}-{certification.uuid.hex[:8]}.pdf")
        # The registers name the establishment's workers: every download is recorded.
        audit_event_record(action=AuditEvent.Action.SENSITIVE_READ, request=request,
                           obj=certification, district=certification.district,
                           summary="self-certification registers downloaded")
        return response


urls = [
    path("self-certification/", CertificationListView.as_view(), name="certification_list"),
    path("self-certification/report/", CertificationReportView.as_view(),
         name="certification_report"),
    path("self-certification/<uuid:establishment>/", CertificationCreateView.as_view(),
         name="certification_create"),
    path("self-certification/<uuid:uuid>/registers/", CertificationRegistersView.as_view(),
         name="certification_registers"),
]
