"""Views of welfare's accounts pages: payment batches, the bank's answer, reconciliation.

The maker builds a batch from sanctioned applications; another person, the
checker, approves it; the payment file is written in the background and goes to
the bank; the bank's response file is uploaded (or, outside production, asked of
the simulated bank) and applied in the background. Each page here only reads
through the selectors and calls one service per action.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.shortcuts import redirect
from django.urls import path
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import FormView, TemplateView

from core.audit import audit_event_record
from core.models import AuditEvent
from core.roles import RoleCode as R
from core.views.base import (
    PortalListView,
    RoleRequiredMixin,
    scoped_object_or_404,
    table_download,
)
from welfare import bankfiles, selectors, services
from welfare.forms.payments import (
    BankResponseUploadForm,
    BatchFilter,
    BatchFilterForm,
    PaymentLineFilter,
)
from welfare.models import Application, BankResponseFile, PaymentBatch, PaymentLine

B = PaymentBatch.Status
L = PaymentLine.Status
A = Application.Status

ACCOUNTS = {R.ACCOUNTS_MAKER, R.ACCOUNTS_CHECKER}
BATCH_VIEWERS = ACCOUNTS | {R.STATE_ADMIN}
RECONCILIATION_VIEWERS = BATCH_VIEWERS | {R.DISTRICT_ADMIN}

# The bank's return codes in the reader's language (welfare.bankfiles keeps the
# English text that goes into SMS and files; makemessages needs literal strings).
# Bootstrap colours of the lines' statuses, in the order the bar shows them.
LINE_BAR_CLASSES = {
    L.PAID: "bg-success", L.FAILED: "bg-danger", L.UNKNOWN: "bg-warning",
    L.PENDING: "bg-info", L.CANCELLED: "bg-secondary",
}

# What a response file's ingestion applied, and what it reported instead (welfare.services.ledger).
RESPONSE_APPLIED = [
    ("paid", _("Paid")),
    ("failed", _("Failed")),
    ("unknown_status", _("Still pending at the bank")),
]
RESPONSE_REPORTED = [
    ("already", _("Already applied (repeated answer)")),
    ("unknown", _("Unknown references")),
    ("duplicates", _("Lines repeated in the file")),
    ("mismatched", _("Amount mismatches")),
    ("invalid", _("Invalid lines")),
    ("conflicts", _("Conflicts (settled differently before)")),
]


def _date(value) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def _person(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else ""


def _job_visible(user, job) -> bool:
    # Jobs are scoped to the user who started them (core.scoping_rules): link only those.
    return job is not None and (job.created_by_id == user.pk or user.has_role(R.STATE_ADMIN))


class BatchObjectMixin:
    """Fetch the batch named in the URL through scope (404 and an audited refusal if not)."""

    @cached_property
    def batch(self) -> PaymentBatch:
        return scoped_object_or_404(
            self.request,
            selectors.batch_list(user=self.request.user).select_related("file_job"),
            uuid=self.kwargs["uuid"])


# --- The list of batches ----------------------------------------------------------------


class BatchListView(PortalListView):
    """Payment batches, newest first, filtered by status and scheme."""

    allowed_roles = BATCH_VIEWERS
    model = PaymentBatch
    filterset_class = BatchFilter
    template_name = "welfare/batch_list.html"
    export_name = "payment-batches"
    export_columns = [
        (_("Batch number"), lambda b: b.number),
        (_("Scheme"), lambda b: b.scheme.name if b.scheme else ""),
        (_("District"), lambda b: b.district.name if b.district else ""),
        (_("Sanctioned from"), lambda b: _date(b.sanctioned_from)),
        (_("Sanctioned to"), lambda b: _date(b.sanctioned_to)),
        (_("Payments"), lambda b: b.line_count),
        (_("Total (₹)"), lambda b: b.total_amount),
        (_("Made by"), lambda b: _person(b.created_by)),
        (_("Made on"), lambda b: _date(timezone.localtime(b.created_at))),
        (_("Approved by"), lambda b: _person(b.approved_by)),
        (_("Status"), lambda b: b.get_status_display()),
    ]

    def get_base_queryset(self):
        return selectors.batch_list(user=self.request.user).order_by("-created_at", "-pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["may_create"] = self.request.user.has_role(R.ACCOUNTS_MAKER)
        return context


# --- Making a batch -----------------------------------------------------------------------


class BatchCreateView(RoleRequiredMixin, FormView):
    """Choose the filters, see what the batch would pay, then confirm (the maker)."""

    allowed_roles = {R.ACCOUNTS_MAKER}
    form_class = BatchFilterForm
    template_name = "welfare/batch_form.html"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.request.method == "GET" and "preview" in self.request.GET:
            kwargs["data"] = self.request.GET
        return kwargs

    def get(self, request, *args, **kwargs):
        form = self.get_form()
        if form.is_bound:
            return self.form_valid(form) if form.is_valid() else self.form_invalid(form)
        return self.render_to_response(self.get_context_data(form=form))

    def form_valid(self, form):
        if self.request.method != "POST" or self.request.POST.get("action") != "confirm":
            return self.preview(form)
        if self.request.POST.get("previewed") != form.fingerprint():
            messages.warning(self.request, _("The filters changed since the preview. Check "
                                             "the new figures, then confirm."))
            return self.preview(form)
        try:
            batch = services.payment_batch_create(actor=self.request.user, request=self.request,
                                                  **form.filters())
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(self.request, message)
            return self.preview(form)
        messages.success(self.request, _("Batch %(number)s made: it now awaits approval by "
                                         "another officer.") % {"number": batch.number})
        return redirect(batch)

    def preview(self, form):
        summary = selectors.payable_summary(**form.filters())
        return self.render_to_response(self.get_context_data(
            form=form, summary=summary, fingerprint=form.fingerprint()))


# --- One batch ----------------------------------------------------------------------------


class BatchDetailView(BatchObjectMixin, PortalListView):
    """A batch: its summary, where its money is, its actions, response files and lines."""

    allowed_roles = BATCH_VIEWERS
    model = PaymentLine
    filterset_class = PaymentLineFilter
    template_name = "welfare/batch_detail.html"
    export_columns = [
        (_("Reference"), lambda line: line.reference),
        (_("Application number"), lambda line: line.application.number),
        (_("Scheme"), lambda line: line.application.scheme.name),
        (_("District"), lambda line: line.application.district.name),
        # Masked: the full number exists only in the payment file.
        (_("Account"), lambda line: line.account_masked),
        (_("IFSC"), lambda line: line.ifsc),
        (_("Amount (₹)"), lambda line: line.amount),
        (_("Status"), lambda line: line.get_status_display()),
        (_("UTR"), lambda line: line.utr),
        (_("Failure code"), lambda line: line.failure_code),
        (_("Failure reason"), lambda line: bankfiles.failure_reason(line.failure_code)),
        (_("Settled on"), lambda line: _date(line.settled_on)),
    ]

    @property
    def export_name(self):
        return f"payment-lines-{self.batch.number}"

    def get_base_queryset(self):
        return selectors.batch_lines(user=self.request.user, batch=self.batch)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, batch = self.request.user, self.batch
        is_accounts = user.has_role(*ACCOUNTS)
        context.update(
            batch=batch,
            totals=self._totals(batch),
            responses=self._responses(batch),
            file_job=batch.file_job if _job_visible(user, batch.file_job) else None,
            may_approve=(batch.status == B.AWAITING_APPROVAL
                         and user.has_role(R.ACCOUNTS_CHECKER)
                         and batch.created_by_id != user.pk),
            approve_refusal=self._approve_refusal(batch),
            may_cancel=batch.status == B.AWAITING_APPROVAL and user.has_role(R.ACCOUNTS_MAKER),
            may_download=is_accounts and bool(batch.file),
            may_upload=is_accounts and batch.status in (B.FILE_READY, B.CLOSED),
            may_simulate=(is_accounts and settings.WELFARE_BANK_SIMULATOR
                          and batch.status == B.FILE_READY),
            upload_form=BankResponseUploadForm(),
            failure_reasons=bankfiles.FAILURE_REASONS,
        )
        for line in context["object_list"]:
            line.failure_reason = bankfiles.failure_reason(line.failure_code)
        return context

    def _approve_refusal(self, batch) -> str:
        """Return why this user may not approve a batch awaiting approval ('' if they may)."""
        user = self.request.user
        if batch.status != B.AWAITING_APPROVAL or not user.has_role(*ACCOUNTS):
            return ""
        if batch.created_by_id == user.pk:
            return _("You made this batch, so another approver must approve it.")
        if not user.has_role(R.ACCOUNTS_CHECKER):
            return _("Only an accounts approver (checker) may approve a batch; another "
                     "approver must approve it.")
        return ""

    @staticmethod
    def _totals(batch) -> dict:
        by_status = selectors.batch_totals(batch)
        rows = []
        for status, css in LINE_BAR_CLASSES.items():
            entry = by_status.get(status, {"count": 0, "amount": Decimal(0)})
            percent = entry["count"] * 100 / batch.line_count if batch.line_count else 0
            rows.append({"status": status, "label": L(status).label, "count": entry["count"],
                         "amount": entry["amount"] or Decimal(0), "css": css,
                         "percent": f"{percent:.2f}"})
        count = sum(row["count"] for row in rows)
        amount = sum((row["amount"] for row in rows), Decimal(0))
        return {"rows": rows, "count": count, "amount": amount,
                "adds_up": count == batch.line_count and amount == batch.total_amount}

    def _responses(self, batch) -> list[dict]:
        user = self.request.user
        files = (batch.response_files.select_related("uploaded_by", "job")
                 .order_by("-uploaded_at", "-pk"))
        entries = []
        for response in files:
            result = response.result or {}
            reported = []
            for key, label in RESPONSE_REPORTED:
                lines = result.get(key) or []
                count = result.get(f"{key}_count", len(lines))
                if count:
                    reported.append({"key": key, "label": label, "count": count,
                                     "lines": lines, "more": count - len(lines)})
            entries.append({
                "file": response,
                "job": response.job if _job_visible(user, response.job) else None,
                "is_done": response.status == BankResponseFile.Status.DONE,
                "is_unreadable": response.status == BankResponseFile.Status.FAILED
                or "error" in result,
                "total_lines": result.get("lines"),
                "applied": [{"key": key, "label": label, "count": result.get(key, 0)}
                            for key, label in RESPONSE_APPLIED],
                "reported": reported,
            })
        return entries


class BatchApproveView(BatchObjectMixin, RoleRequiredMixin, View):
    """Approve a batch (the checker; the service refuses its maker with the reason)."""

    allowed_roles = ACCOUNTS

    def post(self, request, uuid):
        batch = self.batch
        try:
            approved = services.payment_batch_approve(actor=request.user, batch_id=batch.pk,
                                                      request=request)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect(batch)
        if approved.approved_by_id == request.user.pk:
            messages.success(request, _("Batch approved. The payment file is being written; "
                                        "follow its progress below."))
        else:
            # The service treats a repeated approval as a no-op, whoever sends it.
            messages.info(request, _("This batch was already approved by another approver."))
        return redirect(batch)


class BatchCancelView(BatchObjectMixin, RoleRequiredMixin, View):
    """Cancel a batch still awaiting approval: its applications become payable again."""

    allowed_roles = {R.ACCOUNTS_MAKER}

    def post(self, request, uuid):
        batch = self.batch
        try:
            services.payment_batch_cancel(actor=request.user, batch_id=batch.pk, request=request)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Batch cancelled. Its applications can go into another "
                                        "batch."))
        return redirect(batch)


class BatchFileView(BatchObjectMixin, RoleRequiredMixin, View):
    """Download the payment file (the only place the full account numbers appear); audited.

    The accounts roles only: the state admin oversees batches but takes no copy of the
    bank details.
    """

    allowed_roles = ACCOUNTS

    def get(self, request, uuid):
        batch = self.batch
        try:
            handle = services.payment_file_open(actor=request.user, batch=batch, request=request)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect(batch)
        response = FileResponse(handle, as_attachment=True, filename=f"{batch.number}.csv",
                                content_type="text/csv; charset=utf-8")
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response

    # The page offers a POST button, so that link prefetchers never take an audited copy.
    post = get


class BankResponseUploadView(BatchObjectMixin, RoleRequiredMixin, View):
    """Upload the bank's response file; it is applied in the background."""

    allowed_roles = ACCOUNTS

    def post(self, request, uuid):
        batch = self.batch
        form = BankResponseUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            for errors in form.errors.values():
                for message in errors:
                    messages.error(request, message)
            return redirect(batch)
        upload = form.cleaned_data["file"]
        try:
            services.bank_response_upload(actor=request.user, batch_id=batch.pk,
                                          content=upload.read(), name=upload.name,
                                          request=request)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The response file is being applied. Its results "
                                        "appear under Bank response files."))
        return redirect(batch)


class BankSimulationView(BatchObjectMixin, RoleRequiredMixin, View):
    """Ask the simulated bank to answer the payment file (never in production)."""

    allowed_roles = ACCOUNTS

    def post(self, request, uuid):
        batch = self.batch
        try:
            services.bank_simulation_run(actor=request.user, batch_id=batch.pk, request=request)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The simulated bank answered. Its response file is "
                                        "being applied."))
        return redirect(batch)


# --- Reconciliation -----------------------------------------------------------------------

STAGES = [A.SANCTIONED, A.IN_BATCH, A.PAID, A.PAYMENT_FAILED]
STAGE_LABELS = [_("Awaiting a batch"), _("In a batch, with the bank"), _("Paid"),
                _("Failed, awaiting correction")]


class ReconciliationView(RoleRequiredMixin, TemplateView):
    """Per scheme: what was sanctioned and where that money is now, against the budget."""

    allowed_roles = RECONCILIATION_VIEWERS
    template_name = "welfare/reconciliation.html"

    def get(self, request, *args, **kwargs):
        fmt = request.GET.get("export")
        if fmt in ("csv", "xlsx"):
            return self.export(fmt)
        return super().get(request, *args, **kwargs)

    @cached_property
    def rows(self) -> list[dict]:
        rows = selectors.scheme_reconciliation(user=self.request.user)
        for row in rows:
            row["stages"] = [row[status] for status in STAGES]
        return rows

    def totals(self) -> dict:
        def add(key):
            return sum((row[key] for row in self.rows), 0)

        stages = [{"count": sum(row[s]["count"] for row in self.rows),
                   "amount": sum((row[s]["amount"] for row in self.rows), Decimal(0))}
                  for s in STAGES]
        budgeted = [row for row in self.rows if row["budget"]]
        budget = sum((row["budget"] for row in budgeted), Decimal(0))
        used = sum((row["budget_used"] for row in budgeted), Decimal(0))
        amount = add("amount")
        return {"count": add("count"), "amount": amount, "stages": stages,
                "budget": budget or None,
                "budget_percent": int(used * 100 / budget) if budget else None,
                "adds_up": (sum(s["count"] for s in stages) == add("count")
                            and sum(s["amount"] for s in stages) == amount)}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(rows=self.rows, totals=self.totals(),
                       stage_labels=STAGE_LABELS)
        return context

    def export(self, fmt: str):
        headers = [str(_("Scheme")), str(_("Sanctioned")), str(_("Sanctioned (₹)"))]
        for label in STAGE_LABELS:
            headers += [str(label), f"{label} (₹)"]
        headers += [str(_("Budget (₹)")), str(_("Budget used (%)"))]
        values = []
        for row in self.rows:
            cells = [row["scheme"].name, row["count"], row["amount"]]
            for stage in row["stages"]:
                cells += [stage["count"], stage["amount"]]
            cells += [row["budget"] if row["budget"] is not None else "",
                      row["budget_percent"] if row["budget_percent"] is not None else ""]
            values.append(cells)
        audit_event_record(action=AuditEvent.Action.EXPORT, request=self.request,
                           object_type="welfare.scheme", summary=f"reconciliation as {fmt}",
                           detail={"rows": len(values), "format": fmt})
        filename = f"reconciliation-{timezone.localdate():%Y%m%d}.{fmt}"
        return table_download(fmt=fmt, headers=headers, values=values, filename=filename)


def _batch_url(name: str) -> str:
    return f"payment-batches/<uuid:uuid>/{name}"


urls = [
    path("payment-batches/", BatchListView.as_view(), name="batch_list"),
    path("payment-batches/new/", BatchCreateView.as_view(), name="batch_create"),
    path(_batch_url(""), BatchDetailView.as_view(), name="batch_detail"),
    path(_batch_url("approve/"), BatchApproveView.as_view(), name="batch_approve"),
    path(_batch_url("cancel/"), BatchCancelView.as_view(), name="batch_cancel"),
    path(_batch_url("payment-file/"), BatchFileView.as_view(), name="batch_file"),
    path(_batch_url("bank-response/"), BankResponseUploadView.as_view(),
         name="batch_response_upload"),
    path(_batch_url("simulated-bank/"), BankSimulationView.as_view(), name="batch_simulate"),
    path("reconciliation/", ReconciliationView.as_view(), name="reconciliation"),
]
