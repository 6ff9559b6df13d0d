"""Views of surveys: list, plan, page, the offline capture page and its sync, sheet upload."""

from __future__ import annotations

import hashlib
import json
import uuid

from django.contrib import messages
from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, TemplateView

from core.models import Village
from core.roles import RoleCode as R
from core.views.base import PortalListView, RoleRequiredMixin, scoped_object_or_404
from migrants import selectors, services
from migrants.filters import SurveyFilter
from migrants.forms import (
    SurveyEntryForm,
    SurveyForm,
    SurveySheetForm,
    sync_entries_clean,
    sync_entry_id_error,
)
from migrants.models import Survey
from migrants.resources import (
    COLUMN_HELP,
    COLUMNS,
    MAX_ROWS,
    SurveySheetResource,
    survey_sheet_read,
    survey_sheet_template_csv,
)
from registration import selectors as registration_selectors

OFFICERS = {R.LABOUR_OFFICER, R.DISTRICT_ADMIN, R.STATE_ADMIN}
# Surveyors see and fill the surveys assigned to them (scoping), nothing more.
SURVEY_TAKERS = OFFICERS | {R.SURVEYOR}
# 200 entries of a few hundred bytes each fit well within this.
CAPTURE_MAX_BODY = 2 * 1024 * 1024
SHEET_DIR = services.SURVEY_SHEET_DIR
SHEET_SESSION_KEY = "migrants_survey_sheets"


# --- List, plan, page --------------------------------------------------------------------


class SurveyListView(PortalListView):
    """The surveys the user may see, with households visited and migrants found."""

    allowed_roles = SURVEY_TAKERS
    model = Survey
    filterset_class = SurveyFilter
    template_name = "migrants/survey_list.html"
    export_name = "surveys"
    export_columns = [
        (gettext_lazy("Survey"), lambda s: s.name),
        (gettext_lazy("Kind"), lambda s: s.get_kind_display()),
        (gettext_lazy("District"), lambda s: s.district.name_en),
        (gettext_lazy("Block"), lambda s: s.block.name_en),
        (gettext_lazy("First day"), lambda s: s.starts_on.strftime("%d/%m/%Y")),
        (gettext_lazy("Last day"), lambda s: s.ends_on.strftime("%d/%m/%Y")),
        (gettext_lazy("Households visited"), lambda s: s.households),
        (gettext_lazy("Migrants found"), lambda s: s.migrants_found),
    ]

    def get_base_queryset(self):
        # The counts' GROUP BY drops the model's default ordering: give it again.
        return selectors.survey_list(user=self.request.user).order_by("-starts_on", "name",
                                                                      "pk")


class SurveyCreateView(RoleRequiredMixin, FormView):
    """Plan a survey of a block, with its dates and surveyors."""

    allowed_roles = OFFICERS
    form_class = SurveyForm
    template_name = "migrants/survey_form.html"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["districts"] = registration_selectors.district_choices(user=self.request.user)
        return kwargs

    def get_initial(self):
        districts = list(registration_selectors.district_choices(user=self.request.user)[:2])
        return {"district": districts[0]} if len(districts) == 1 else {}

    def form_valid(self, form):
        data = {k: v for k, v in form.cleaned_data.items() if k != "surveyors"}
        try:
            survey = services.survey_create(actor=self.request.user, data=data,
                                            surveyors=form.cleaned_data["surveyors"],
                                            request=self.request)
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("The survey is planned."))
        return redirect(survey)


class SurveyMixin(RoleRequiredMixin):
    """Load the survey named in the URL through the user's scope (404 otherwise)."""

    allowed_roles = SURVEY_TAKERS

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.has_role(*self.allowed_roles):
            self.survey = scoped_object_or_404(request, selectors.survey_list(user=request.user),
                                               uuid=kwargs["uuid"])
        return super().dispatch(request, *args, **kwargs)


class SurveyDetailView(SurveyMixin, TemplateView):
    """The survey: its plan, counts and the people found, by household."""

    template_name = "migrants/survey_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        survey = self.survey
        entries = list(selectors.migrant_list(user=self.request.user).filter(survey=survey)
                       .select_related("origin_village").prefetch_related("companions")
                       .order_by("household", "name"))
        households: dict[str, list] = {}
        for entry in entries:
            entry.companion_list = list(entry.companions.all())
            entry.has_child = any(c.is_child for c in entry.companion_list)
            households.setdefault(entry.household, []).append(entry)
        context.update(survey=survey, households=list(households.items()),
                       surveyors=list(survey.surveyors.order_by("username")),
                       entries_count=len(entries))
        return context


# --- Offline capture --------------------------------------------------------------------


class SurveyCaptureView(SurveyMixin, TemplateView):
    """The phone page that works without network: entries are kept on the phone.

    Everything the page needs (choices, labels, URLs) is in the page itself, so the
    service worker's cached copy works offline.
    """

    template_name = "migrants/survey_capture.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        survey = self.survey
        form = SurveyEntryForm(survey=survey, initial={"origin_block": survey.block_id},
                               auto_id="id_entry_%s")
        # Offline there is no cascading select: the villages of the survey's block only.
        form.fields["origin_village"].queryset = Village.objects.filter(
            block=survey.block).order_by("name_en")
        context.update(
            survey=survey, form=form,
            field_labels={name: str(field.label) for name, field in form.fields.items()},
            sync_url=reverse("migrants:survey_sync", args=[survey.uuid]),
            sw_url=reverse("migrants:survey_sw"),
            sw_scope=reverse("migrants:survey_list"),
            capture_messages={
                "saved": _("Saved on this phone."),
                "sending": _("Sending…"),
                "sent": _("Sent: {sent}. With problems, to correct below: {invalid}."),
                "nothing": _("Nothing is waiting to be sent."),
                "offline": _("No network: the entries stay on this phone and are sent when "
                             "the network is back."),
                "login": _("Your login has expired. Log in again (the entries stay on this "
                           "phone), open this page and press Send now."),
                "reload": _("Open this page again while online, then press Send now."),
                "refused": _("The server did not accept the entries:"),
                "correct": _("Correct"),
                "delete": _("Delete"),
                "confirm_delete": _("Delete this entry from the phone? It has not been sent."),
                "no_storage": _("This browser cannot keep entries on the phone. Use Chrome "
                                "or another browser."),
                "companion": _("went along"),
            },
        )
        return context


class SurveySyncView(SurveyMixin, View):
    """Record a phone's pending entries: ``{"entries": [...]}`` in, ``{"results": [...]}`` out.

    Each entry is answered recorded, already (sent before) or invalid with its errors.
    """

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        if len(request.body) > CAPTURE_MAX_BODY:
            return JsonResponse({"error": _("The request is too large; send fewer entries.")},
                                status=400)
        try:
            payload = json.loads(request.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return JsonResponse({"error": _("The request is not valid JSON.")}, status=400)
        try:
            entries = sync_entries_clean(payload)
        except ValidationError as exc:
            return JsonResponse({"error": " ".join(exc.messages)}, status=400)
        refused = {i: sync_entry_id_error(e) for i, e in enumerate(entries)}
        good = [e for i, e in enumerate(entries) if refused[i] is None]
        answers = iter(services.survey_entries_sync(actor=request.user, survey=self.survey,
                                                    entries=good, request=request))
        results = [refused[i] or next(answers) for i in range(len(entries))]
        return JsonResponse({"results": results})


class SurveyServiceWorkerView(RoleRequiredMixin, View):
    """Serve the capture page's service worker from under /migrants/surveys/.

    A worker served from /static/ could only control /static/; served here, its scope
    covers every survey's capture page.
    """

    allowed_roles = SURVEY_TAKERS

    def get(self, request):
        found = finders.find("migrants/js/survey-sw.js")
        if not found:
            raise Http404
        with open(found, "rb") as handle:
            body = handle.read()
        response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
        response["Service-Worker-Allowed"] = reverse("migrants:survey_list")
        # A new version of the worker must reach phones as soon as they are online.
        response["Cache-Control"] = "no-cache"
        return response


# --- Sheet upload -------------------------------------------------------------------------


def _sheet_result(result) -> dict:
    """Return what the page shows of an import result (counts and errors by row)."""
    errors = []
    for row in result.invalid_rows:
        for column, messages_ in row.error_dict.items():
            column = "" if column == "__all__" else column
            errors.extend([row.number + 1, column, str(m)] for m in messages_)
    for number, row_errors in result.row_errors():
        errors.extend([number + 1, "", _("This row could not be read.")] for _e in row_errors)
    if result.base_errors:
        errors.append([1, "", _("The sheet could not be checked; nothing was saved.")])
    errors.sort(key=lambda e: e[0])
    return {"rows": result.total_rows, "new": result.totals["new"],
            "already": result.totals["skip"],
            "invalid": result.totals["invalid"] + result.totals["error"], "errors": errors}


class SurveyImportView(SurveyMixin, FormView):
    """Upload a sheet of survey entries: check it (nothing saved), then confirm.

    Synchronous on purpose: sheets have at most ``MAX_ROWS`` rows. Between the check
    and the confirmation the file is kept privately; the session remembers which file
    this user checked (and its hash), so a confirmation imports exactly that file.
    """

    allowed_roles = OFFICERS  # sheets come from the office, not from the field

    form_class = SurveySheetForm
    template_name = "migrants/survey_import.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(survey=self.survey, max_rows=MAX_ROWS,
                       columns=[(c, COLUMN_HELP[c]) for c in COLUMNS])
        return context

    def get(self, request, *args, **kwargs):
        if request.GET.get("template") == "csv":
            response = HttpResponse(survey_sheet_template_csv(),
                                    content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = 'attachment; filename="survey-sheet.csv"'
            return response
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if "token" in request.POST:
            return self.confirm(request.POST["token"])
        return super().post(request, *args, **kwargs)

    def _resource(self):
        return SurveySheetResource(survey=self.survey, actor=self.request.user,
                                   request=self.request)

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        content = upload.read()
        try:
            dataset = survey_sheet_read(content=content, file_name=upload.name)
        except ValidationError as exc:
            form.add_error("file", exc)
            return self.form_invalid(form)
        result = _sheet_result(self._resource().import_data(dataset, dry_run=True))
        token = ""
        if result["new"]:
            token = uuid.uuid4().hex
            fmt = upload.name.rsplit(".", 1)[-1].lower()
            stored = default_storage.save(f"{SHEET_DIR}/{token}.{fmt}", ContentFile(content))
            sheets = self.request.session.get(SHEET_SESSION_KEY, {})
            sheets[token] = {"path": stored, "name": upload.name, "survey": str(self.survey.uuid),
                             "sha256": hashlib.sha256(content).hexdigest()}
            self.request.session[SHEET_SESSION_KEY] = sheets
        return self.render_to_response(self.get_context_data(
            form=self.get_form_class()(), result=result, is_dry_run=True, token=token,
            file_name=upload.name))

    def confirm(self, token: str):
        sheets = self.request.session.get(SHEET_SESSION_KEY, {})
        sheet = sheets.pop(token, None)
        self.request.session[SHEET_SESSION_KEY] = sheets
        if sheet is None or sheet["survey"] != str(self.survey.uuid) \
                or not default_storage.exists(sheet["path"]):
            messages.error(self.request, _("This check has expired or was already imported. "
                                           "Upload the sheet again."))
            return redirect("migrants:survey_import", uuid=self.survey.uuid)
        with default_storage.open(sheet["path"], "rb") as handle:
            content = handle.read()
        default_storage.delete(sheet["path"])
        if hashlib.sha256(content).hexdigest() != sheet["sha256"]:
            raise Http404
        dataset = survey_sheet_read(content=content, file_name=sheet["name"])
        result = _sheet_result(self._resource().import_data(dataset, dry_run=False))
        messages.success(self.request, _("%(n)s people were added to the register.")
                         % {"n": result["new"]})
        return self.render_to_response(self.get_context_data(
            form=self.get_form_class()(), result=result, is_dry_run=False,
            file_name=sheet["name"]))


urls = [
    path("surveys/", SurveyListView.as_view(), name="survey_list"),
    path("surveys/new/", SurveyCreateView.as_view(), name="survey_create"),
    path("surveys/sw.js", SurveyServiceWorkerView.as_view(), name="survey_sw"),
    path("surveys/<uuid:uuid>/", SurveyDetailView.as_view(), name="survey_detail"),
    path("surveys/<uuid:uuid>/capture/", SurveyCaptureView.as_view(), name="survey_capture"),
    path("surveys/<uuid:uuid>/sync/", SurveySyncView.as_view(), name="survey_sync"),
    path("surveys/<uuid:uuid>/import/", SurveyImportView.as_view(), name="survey_import"),
]
