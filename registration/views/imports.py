"""Views of registration: bulk import of workers (upload, dry-run result, confirm, template)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import FormView, TemplateView

from core.models import Job
from core.roles import RoleCode as R
from core.scoping import scoped
from core.selectors import job_for_user
from core.views.base import RoleRequiredMixin
from registration import imports
from registration.resources import (
    COLUMN_HELP,
    worker_import_columns,
    worker_import_template_csv,
    worker_import_template_xlsx,
)

IMPORTERS = {R.LABOUR_OFFICER, R.STATE_ADMIN}


class ImportUploadForm(forms.Form):
    """The file and, for the state admin, the kind of import."""

    mode = forms.ChoiceField(
        label=_("Kind of import"), initial=imports.MODE_NEW, widget=forms.RadioSelect,
        choices=[(imports.MODE_NEW, _("New registrations (they go to verification)")),
                 (imports.MODE_MIGRATION,
                  _("Migration of existing records (keeping their numbers and validity)"))])
    file = forms.FileField(label=_("CSV or XLSX file (at most 40 MB)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}))

    def __init__(self, *args, may_migrate: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not may_migrate:
            del self.fields["mode"]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise ValidationError(_("Upload a CSV or XLSX file."))
        if upload.size > imports.MAX_UPLOAD_BYTES:
            raise ValidationError(_("The file must be smaller than 40 MB."))
        return upload


class ImportStartView(RoleRequiredMixin, FormView):
    """Upload a file; its dry run starts in the background."""

    allowed_roles = IMPORTERS
    form_class = ImportUploadForm
    template_name = "registration/import_form.html"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["may_migrate"] = self.request.user.has_role(R.STATE_ADMIN)
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        may_migrate = self.request.user.has_role(R.STATE_ADMIN)
        context["columns"] = [(name, COLUMN_HELP.get(name, ""))
                              for name in worker_import_columns(migration=may_migrate)]
        context["may_migrate"] = may_migrate
        return context

    def form_valid(self, form):
        try:
            job = imports.worker_import_start(
                actor=self.request.user, upload=form.cleaned_data["file"],
                mode=form.cleaned_data.get("mode") or imports.MODE_NEW, request=self.request)
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("The file is being checked. Nothing is saved yet."))
        return redirect("registration:import_result", job_id=job.pk)


class ImportResultView(RoleRequiredMixin, TemplateView):
    """Progress, then the result of a dry run (with Confirm) or of a commit."""

    allowed_roles = IMPORTERS
    template_name = "registration/import_result.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        try:
            job = job_for_user(user=self.request.user, job_id=self.kwargs["job_id"])
        except Job.DoesNotExist:
            raise Http404 from None
        if job.kind not in (imports.KIND_DRY_RUN, imports.KIND_COMMIT):
            raise Http404
        result = job.result or {}
        errors_total = result.get("errors_total", 0)
        context.update(
            job=job, result=result, is_dry_run=job.kind == imports.KIND_DRY_RUN,
            is_finished=job.status in (Job.Status.DONE, Job.Status.FAILED),
            errors=result.get("errors", []), errors_total=errors_total,
            errors_cut=errors_total > len(result.get("errors", [])),
            is_migration=job.params.get("mode") == imports.MODE_MIGRATION,
            may_confirm=(job.kind == imports.KIND_DRY_RUN and job.status == Job.Status.DONE
                         and job.created_by_id == self.request.user.pk
                         and result.get("new") and not result.get("fatal")),
        )
        return context


class ImportConfirmView(RoleRequiredMixin, View):
    """Start importing the valid rows of a checked file."""

    allowed_roles = IMPORTERS

    def post(self, request, job_id):
        # Someone else's check (or none) is not found, as for any object out of scope.
        if not scoped(request.user, Job).filter(pk=job_id).exists():
            raise Http404
        try:
            job = imports.worker_import_confirm(actor=request.user, dry_run_id=job_id,
                                                request=request)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect("registration:import_result", job_id=job_id)
        messages.success(request, _("The import has started."))
        return redirect("registration:import_result", job_id=job.pk)


class ImportTemplateView(RoleRequiredMixin, View):
    """Download the empty file with the columns (CSV or XLSX; ?kind=migration for its extra
    columns)."""

    allowed_roles = IMPORTERS
    fmt = "csv"

    def get(self, request):
        migration = (request.GET.get("kind") == imports.MODE_MIGRATION
                     and request.user.has_role(R.STATE_ADMIN))
        name = "worker-migration-template" if migration else "worker-import-template"
        if self.fmt == "xlsx":
            response = HttpResponse(
                worker_import_template_xlsx(migration=migration),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        else:
            response = HttpResponse(worker_import_template_csv(migration=migration),
                                    content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.{self.fmt}"'
        return response


urls = [
    path("import/", ImportStartView.as_view(), name="import_start"),
    path("import/template.csv", ImportTemplateView.as_view(fmt="csv"), name="import_template"),
    path("import/template.xlsx", ImportTemplateView.as_view(fmt="xlsx"),
         name="import_template_xlsx"),
    path("import/<uuid:job_id>/", ImportResultView.as_view(), name="import_result"),
    path("import/<uuid:job_id>/confirm/", ImportConfirmView.as_view(), name="import_confirm"),
]
