"""The audit trail: events (logins, refusals, exports) and row history."""

from django.apps import apps
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from core.audit import audit_event_record
from core.filters import AuditEventFilter, RowChangeFilter
from core.home import subject_records
from core.models import AuditEvent, AuditVerification
from core.roles import RoleCode
from core.selectors import (
    audit_event_list,
    object_history,
    record_access_events,
    record_seal_status,
    row_history_list,
)
from core.services import job_create
from core.views.base import PortalListView, RoleRequiredMixin


class AuditEventListView(PortalListView):
    allowed_roles = {RoleCode.STATE_ADMIN, RoleCode.DISTRICT_ADMIN}
    template_name = "core/auditevent_list.html"
    filterset_class = AuditEventFilter
    export_name = "audit-events"
    export_columns = [
        (_("When (UTC)"), lambda e: e.occurred_at.isoformat()),
        (_("User"), lambda e: e.actor_label),
        (_("Roles"), lambda e: e.actor_roles),
        (_("From address"), lambda e: e.ip_address or ""),
        (_("Action"), lambda e: e.get_action_display()),
        (_("Record type"), lambda e: e.object_type),
        (_("Record id"), lambda e: e.object_id),
        (_("Summary"), lambda e: e.summary),
        (_("Page"), lambda e: e.path),
    ]

    def get_base_queryset(self):
        return audit_event_list(user=self.request.user)

    def get_queryset(self):
        # audit_event_list already applies scoping.
        return self.get_base_queryset()


class RowChangeListView(PortalListView):
    """Every create, update and delete of a record (state admin only: it spans all districts)."""

    allowed_roles = {RoleCode.STATE_ADMIN}
    template_name = "core/rowchange_list.html"
    filterset_class = RowChangeFilter
    export_name = "row-history"
    export_columns = [
        (_("When (UTC)"), lambda e: e.pgh_created_at.isoformat()),
        (_("Change"), lambda e: e.pgh_label),
        (_("Record type"), lambda e: e.pgh_obj_model),
        (_("Record id"), lambda e: e.pgh_obj_id),
        (_("User id"), lambda e: (e.pgh_context or {}).get("user") or ""),
        (_("From address"), lambda e: (e.pgh_context or {}).get("ip") or ""),
        (_("What changed"), lambda e: e.pgh_diff or ""),
    ]

    def get_queryset(self):
        return row_history_list()


class AuditExportStartView(RoleRequiredMixin, View):
    """Start a background export of the filtered audit events; show its progress."""

    allowed_roles = {RoleCode.STATE_ADMIN, RoleCode.DISTRICT_ADMIN}

    def post(self, request):
        job = job_create(actor=request.user, kind="audit_export",
                         params={"query": request.POST.get("query", "")})
        return redirect(job)


class MyRecordHistoryView(RoleRequiredMixin, TemplateView):
    """Who saw or changed my record: what the person a record is about may see."""

    allowed_roles = set(RoleCode.values)
    template_name = "core/my_record_history.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        changes, events = [], []
        for record in subject_records(user=self.request.user):
            changes += list(object_history(obj=record)[:200])
            events += list(record_access_events(obj=record, for_subject=True)[:200])
        context["changes"] = sorted(changes, key=lambda c: c.pgh_created_at, reverse=True)
        context["events"] = sorted(events, key=lambda e: e.occurred_at, reverse=True)
        return context


class RecordAuditView(RoleRequiredMixin, TemplateView):
    """Every change and every view of one record, with proof that the list is unaltered."""

    allowed_roles = {RoleCode.STATE_ADMIN}
    template_name = "core/record_audit.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        try:
            model = apps.get_model(self.kwargs["label"])
            obj = model._default_manager.get(pk=self.kwargs["pk"])
        except (LookupError, ValueError, ObjectDoesNotExist):
            raise Http404 from None
        changes = list(object_history(obj=obj))
        events = list(record_access_events(obj=obj))
        refs = [(change.pgh_model, change.pgh_id) for change in changes]
        refs += [("core.AuditEvent", event.pk) for event in events]
        audit_event_record(action=AuditEvent.Action.SENSITIVE_READ, request=self.request,
                           obj=obj, summary="audit history viewed")
        context.update(record=obj, label=self.kwargs["label"], changes=changes, events=events,
                       seal_status=record_seal_status(refs=refs),
                       verification=AuditVerification.objects.first())
        return context
