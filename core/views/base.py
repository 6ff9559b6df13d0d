"""Scoped base views: every list, detail, edit and export view inherits one of these.

They put login, role checks and jurisdiction scoping in one place:

* ``allowed_roles`` names the roles that may open the view at all; anyone
  else gets a 404 (and an audited refusal), as does an object outside scope.
* ``get_queryset`` starts from ``core.scoping.scoped`` (override
  ``get_base_queryset`` with a selector call for joins and prefetches).
* List views export what they show (``?export=csv`` or ``?export=xlsx``), with
  the filter applied, and audit the export with its row count.
"""

from __future__ import annotations

import csv
import io
import mimetypes
import os
from collections.abc import Iterable

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.text import slugify
from django.views.generic import DetailView
from django_filters.views import FilterView

from core.audit import audit_event_record
from core.models import AuditEvent, District
from core.scoping import scoped


class RoleRequiredMixin(LoginRequiredMixin):
    """Let in only users holding one of ``allowed_roles``; everyone else gets 404."""

    allowed_roles: Iterable[str] = ()  # empty: nobody (access is denied by default)

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not request.user.has_role(*self.allowed_roles):
            audit_event_record(
                action=AuditEvent.Action.REFUSAL, request=request,
                summary=f"role refused for {request.resolver_match.view_name}"
                if request.resolver_match else "role refused",
            )
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class ScopedQuerysetMixin:
    """Start every queryset from what the user may see."""

    model = None

    def get_base_queryset(self):
        return self.model._default_manager.all()

    def get_queryset(self):
        return scoped(self.request.user, self.get_base_queryset())


class ExportMixin:
    """Export the filtered list as CSV or XLSX; each export is audited.

    ``export_columns`` is a list of (header, function of the row) pairs.
    Personal identifiers must already be masked by those functions.
    """

    export_columns: list[tuple[str, callable]] = []
    export_name = "export"

    def get(self, request, *args, **kwargs):
        fmt = request.GET.get("export")
        if fmt in ("csv", "xlsx") and self.export_columns:
            return self.export(fmt)
        return super().get(request, *args, **kwargs)

    def get_export_queryset(self):
        queryset = self.get_queryset()
        filterset = self.get_filterset(self.get_filterset_class())
        if filterset.is_bound and filterset.is_valid():
            return filterset.qs
        return queryset

    def export(self, fmt: str):
        rows = self.get_export_queryset()
        headers = [str(header) for header, _func in self.export_columns]
        filename = f"{slugify(self.export_name)}-{timezone.localdate():%Y%m%d}.{fmt}"
        count = rows.count()
        audit_event_record(
            action=AuditEvent.Action.EXPORT, request=self.request,
            object_type=rows.model._meta.label_lower,
            summary=f"{count} rows as {fmt}",
            detail={"rows": count, "format": fmt,
                    "filter": {k: v for k, v in self.request.GET.items() if k != "export"}},
        )
        values = ([func(row) for _h, func in self.export_columns] for row in rows.iterator())
        return table_download(fmt=fmt, headers=headers, values=values, filename=filename)


def table_download(*, fmt: str, headers: list[str], values, filename: str):
    """Return rows as a CSV (streamed) or XLSX download named ``filename``."""
    if fmt == "csv":
        response = StreamingHttpResponse(_csv_lines(headers, values),
                                         content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            _xlsx_bytes(headers, values),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def private_file_response(file, *, filename: str,
                          content_type: str | None = None) -> FileResponse:
    """Return a stored private file as a download: attachment, nosniff, never cached.

    Without ``content_type`` the type is looked up from the stored name's extension
    (application/octet-stream when unknown). Callers check that the file exists and
    record any audit event themselves.
    """
    if content_type is None:
        extension = os.path.splitext(file.name)[1].lower()
        content_type = mimetypes.types_map.get(extension, "application/octet-stream")
    response = FileResponse(file.open("rb"), content_type=content_type, as_attachment=True,
                            filename=filename)
    # The type is fixed by the server, so a browser must not sniff an upload into HTML;
    # personal documents must not stay in shared or proxy caches.
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _csv_lines(headers, values):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")  # so that spreadsheet programs read Devanagari as UTF-8
    writer.writerow(headers)
    yield buffer.getvalue()
    for row in values:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(row)
        yield buffer.getvalue()


def _xlsx_bytes(headers, values) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(headers)
    for row in values:
        sheet.append([str(cell) if cell is not None else "" for cell in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


class PortalListView(RoleRequiredMixin, ScopedQuerysetMixin, ExportMixin, FilterView):
    """A scoped, filtered, paginated and exportable list."""

    paginate_by = 50

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        query.pop("export", None)
        context["filter_query"] = query.urlencode()
        return context


def scoped_object_or_404(request, queryset, **lookup):
    """Return the one object of ``queryset`` (already scoped) matching ``lookup``.

    An object that exists but is outside the user's scope gets the same 404 as a
    missing one, and the refusal is recorded (with its district where it has one).
    """
    obj = queryset.filter(**lookup).first()
    if obj is not None:
        return obj
    existing = queryset.model._default_manager.filter(**lookup).first()
    if existing is not None:
        # The record's district, whichever field holds it (migrants: the home district).
        district = getattr(existing, "district", None) or getattr(existing, "origin_district",
                                                                   None)
        audit_event_record(action=AuditEvent.Action.REFUSAL, request=request, obj=existing,
                           district=district if isinstance(district, District) else None,
                           summary="object outside the user's scope")
    raise Http404


class OutOfScopeAuditMixin:
    """Audit a request for an object that exists but is outside the user's scope.

    The user gets the same 404 as for a missing object; the refusal is recorded.
    """

    def get_object(self, queryset=None):
        try:
            return super().get_object(queryset)
        except Http404:
            pk = self.kwargs.get(self.pk_url_kwarg)
            if pk is None:
                raise
            return scoped_object_or_404(self.request, self.get_queryset(), pk=pk)


class PortalDetailView(RoleRequiredMixin, ScopedQuerysetMixin, OutOfScopeAuditMixin,
                       DetailView):
    """A scoped object page: out-of-scope objects are 404 like missing ones (and audited)."""


class SensitiveReadMixin:
    """Audit every view of a sensitive record (a child's case, bank details, Aadhaar).

    Put it before the detail view class; ``sensitive_district`` names the path of
    the record's district so that district-scoped audit searches find the read.
    """

    sensitive_district: str | None = None
    # True for investigation views whose reads the subject is not shown (see
    # AuditEvent.is_withheld_from_subject for the rule).
    withhold_from_subject = False

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        district = None
        if self.sensitive_district:
            district = obj
            for part in self.sensitive_district.split("."):
                district = getattr(district, part)
        audit_event_record(action=AuditEvent.Action.SENSITIVE_READ, request=self.request,
                           obj=obj, district=district, summary="viewed",
                           is_withheld_from_subject=self.withhold_from_subject)
        return obj
