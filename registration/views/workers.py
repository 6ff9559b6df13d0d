"""Views of registration: start a registration (by channel), the steps, review and lists."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect
from django.urls import path, re_path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override
from django.views import View
from django.views.decorators.debug import sensitive_post_parameters
from django.views.generic import FormView, TemplateView

from core.audit import audit_event_record
from core.models import AuditEvent, Block, Village
from core.otp import otp_send, otp_verify
from core.roles import RoleCode as R
from core.scoping import scoped
from core.selectors import object_history
from core.views.base import PortalListView, RoleRequiredMixin, scoped_object_or_404
from registration import forms, selectors, services
from registration.filters import WorkerFilter
from registration.models import Worker, WorkerDocument

STAFF_REGISTRARS = {R.LABOUR_OFFICER, R.STATE_ADMIN}
VERIFIERS = {R.LABOUR_OFFICER, R.STATE_ADMIN}
ALL_WORKER_VIEWERS = {R.WORKER, R.CSC_OPERATOR, R.LABOUR_OFFICER, R.DISTRICT_ADMIN,
                      R.STATE_ADMIN}
CONSENT_SESSION_KEY = "registration_consent"
# Kept out of error reports (Django's exception reporter masks these POST fields).
SENSITIVE_FIELDS = ("aadhaar", "account_number", "account_number_again", "code")
sensitive_post = method_decorator(sensitive_post_parameters(*SENSITIVE_FIELDS), name="dispatch")

STEP_LABELS = {
    "personal": _("Personal details"), "address": _("Address"),
    "work": _("Work and category"), "bank": _("Bank account"),
    "family": _("Family and nominee"), "documents": _("Photo and documents"),
    "review": _("Review and submit"),
}


def _worker_export_columns():
    return [
        (_("Registration number"), lambda w: w.registration_number or ""),
        (_("Reference"), lambda w: w.reference),
        (_("Name"), lambda w: w.name),
        (_("Name in English letters"), lambda w: w.name_latin),
        (_("Father's or husband's name"), lambda w: w.relative_name),
        (_("Date of birth"), lambda w: w.date_of_birth.strftime("%d/%m/%Y")
         if w.date_of_birth else ""),
        (_("Gender"), lambda w: w.get_gender_display()),
        (_("Mobile"), lambda w: w.mobile),
        (_("Aadhaar"), lambda w: w.aadhaar_masked),
        (_("District"), lambda w: w.district.name_en if w.district else ""),
        (_("Block"), lambda w: w.block.name_en if w.block else ""),
        (_("Category"), lambda w: w.get_category_display()),
        (_("Channel"), lambda w: w.get_channel_display()),
        (_("Camp"), lambda w: w.camp.name if w.camp else ""),
        (_("Status"), lambda w: w.get_status_display()),
        (_("Bank account"), lambda w: w.bank_account_masked),
        (_("IFSC"), lambda w: w.ifsc),
        (_("Submitted on"), lambda w: timezone.localtime(w.submitted_at).strftime("%d/%m/%Y")
         if w.submitted_at else ""),
        (_("Registered on"), lambda w: w.registered_on.strftime("%d/%m/%Y")
         if w.registered_on else ""),
        (_("Valid until"), lambda w: w.valid_until.strftime("%d/%m/%Y")
         if w.valid_until else ""),
    ]


class WorkerObjectMixin(RoleRequiredMixin):
    """Load the worker named in the URL through the user's scope (404 otherwise)."""

    allowed_roles = ALL_WORKER_VIEWERS

    def dispatch(self, request, *args, **kwargs):
        # The role check comes first: loading may record a sensitive read.
        if request.user.is_authenticated and request.user.has_role(*self.allowed_roles):
            self.worker = self.get_worker()
        return super().dispatch(request, *args, **kwargs)

    def get_worker(self) -> Worker:
        return scoped_object_or_404(self.request, selectors.worker_detail_list(
            user=self.request.user), uuid=self.kwargs["uuid"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["worker"] = self.worker
        return context


# --- Starting a registration ------------------------------------------------------


@sensitive_post
class WorkerStartView(RoleRequiredMixin, TemplateView):
    """Start a registration: a worker for themself, an operator with consent, an officer."""

    allowed_roles = {R.WORKER, R.CSC_OPERATOR} | STAFF_REGISTRARS
    template_name = "registration/worker_start.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["is_self"] = user.has_role(R.WORKER) and not user.has_role(
            R.CSC_OPERATOR, *STAFF_REGISTRARS)
        if context["is_self"]:
            context["profiles"] = list(selectors.worker_profiles(user=user))
            context["max_profiles"] = services.MAX_PROFILES_PER_LOGIN
        elif user.has_role(*STAFF_REGISTRARS):
            context.setdefault("officer_form", self._officer_form())
        else:
            context.setdefault("consent_form", forms.ConsentStartForm(
                camps=self._running_camps()))
        return context

    def _running_camps(self):
        today = timezone.localdate()
        return selectors.camp_list(user=self.request.user).filter(ends_on__gte=today,
                                                                  starts_on__lte=today)

    def _officer_form(self, data=None):
        user = self.request.user
        return forms.OfficerStartForm(data, districts=selectors.district_choices(user=user),
                                      camps=self._running_camps())

    def post(self, request):
        user = request.user
        try:
            if user.has_role(*STAFF_REGISTRARS):
                form = self._officer_form(request.POST)
                if not form.is_valid():
                    return self.render_to_response(self.get_context_data(officer_form=form))
                worker = services.worker_draft_create(
                    actor=user, channel=Worker.Channel.OFFICER,
                    mobile=form.cleaned_data["mobile"], district=form.cleaned_data["district"],
                    camp=form.cleaned_data["camp"], request=request)
            elif user.has_role(R.CSC_OPERATOR):
                form = forms.ConsentStartForm(request.POST, camps=self._running_camps())
                if not form.is_valid():
                    return self.render_to_response(self.get_context_data(consent_form=form))
                mobile = form.cleaned_data["mobile"]
                camp = form.cleaned_data.get("camp")
                with override(settings.SMS_LANGUAGE):  # the worker's SMS, not the operator's
                    text = str(_("Shram Portal: code {code} lets the CSC operator register "
                                 "you. Give it only if you asked for registration."))
                challenge = otp_send(request=request, mobile=mobile, purpose="consent",
                                     text=text)
                request.session[CONSENT_SESSION_KEY] = {
                    "id": str(challenge.id), "mobile": mobile,
                    "camp": camp.pk if camp else None}
                return redirect("registration:worker_consent")
            else:
                worker = services.worker_draft_create(
                    actor=user, channel=Worker.Channel.SELF, mobile=user.mobile or "",
                    district=None, request=request)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("registration:worker_start")
        return redirect(worker_step_url(worker, "personal"))


@sensitive_post
class WorkerConsentView(RoleRequiredMixin, FormView):
    """The operator enters the code the worker received: consent to register them."""

    allowed_roles = {R.CSC_OPERATOR}
    form_class = forms.ConsentCodeForm
    template_name = "registration/worker_consent.html"

    def dispatch(self, request, *args, **kwargs):
        # The role is checked first (404 for others), then whether a code is pending.
        if request.user.is_authenticated and request.user.has_role(*self.allowed_roles) \
                and CONSENT_SESSION_KEY not in request.session:
            return redirect("registration:worker_start")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        from core.sms import mask_mobile

        context = super().get_context_data(**kwargs)
        context["mobile_masked"] = mask_mobile(self.request.session[CONSENT_SESSION_KEY]["mobile"])
        return context

    def form_valid(self, form):
        pending = self.request.session[CONSENT_SESSION_KEY]
        user = self.request.user
        try:
            otp_verify(request=self.request, challenge_id=pending["id"],
                       code=form.cleaned_data["code"], purpose="consent")
            # A camp registration has channel "camp", whoever keys it (DECISIONS).
            camp = selectors.camp_list(user=user).filter(pk=pending.get("camp")).first() \
                if pending.get("camp") else None
            worker = services.worker_draft_create(
                actor=user, channel=Worker.Channel.CSC, mobile=pending["mobile"],
                district=user.home_district, camp=camp, consent_at=timezone.now(),
                request=self.request)
        except ValidationError as exc:
            form.add_error("code", exc)
            return self.form_invalid(form)
        del self.request.session[CONSENT_SESSION_KEY]
        messages.success(self.request, _("Consent received. Fill in the worker's details."))
        return redirect(worker_step_url(worker, "personal"))


# --- The steps ----------------------------------------------------------------------


def worker_step_url(worker: Worker, step: str) -> str:
    return reverse("registration:worker_step", args=[worker.uuid, step])


class StepMixin(WorkerObjectMixin):
    allowed_roles = {R.WORKER, R.CSC_OPERATOR} | STAFF_REGISTRARS
    step = ""

    def get_worker(self) -> Worker:
        worker = super().get_worker()
        if not worker.is_editable:
            raise Http404
        return worker

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        reached = services.STEPS.index(self.worker.draft_step)
        context["steps"] = [
            {"code": code, "label": STEP_LABELS[code], "url": worker_step_url(self.worker, code),
             "is_current": code == self.step, "is_reachable": index <= reached,
             "number": index + 1}
            for index, code in enumerate(services.STEPS)]
        context["step_label"] = STEP_LABELS[self.step]
        context["step_number"] = services.STEPS.index(self.step) + 1
        context["step_count"] = len(services.STEPS)
        return context


@sensitive_post
class WorkerStepView(StepMixin, FormView):
    """One step of the form; each saves the draft, so a dropped connection loses nothing."""

    template_name = "registration/worker_form.html"
    form_classes = {"personal": forms.PersonalForm, "address": forms.AddressForm,
                    "work": forms.WorkForm, "bank": forms.BankForm, "family": forms.FamilyForm}

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.step = kwargs["step"]
        if self.step not in self.form_classes:
            raise Http404

    def get_form_class(self):
        return self.form_classes[self.step]

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.worker
        if self.step == "address":
            kwargs["districts"] = selectors.district_choices(user=self.request.user)
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.step == "family":
            context["formset"] = kwargs.get("formset") or forms.FamilyFormSet(
                prefix="family", initial=[
                    {"name": m.name, "relation": m.relation, "date_of_birth": m.date_of_birth,
                     "gender": m.gender} for m in self.worker.family.all()])
        return context

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        if self.step == "family":
            formset = forms.FamilyFormSet(self.request.POST, prefix="family")
            if not formset.is_valid():
                return self.render_to_response(self.get_context_data(form=form,
                                                                     formset=formset))
            data["family"] = [
                {k: v for k, v in member.items() if k != "DELETE"}
                for member in formset.cleaned_data if member and not member.get("DELETE")]
        try:
            services.worker_step_save(actor=self.request.user, worker_id=self.worker.pk,
                                      step=self.step, data=data, request=self.request)
        except services.DuplicateAadhaar as exc:
            form.add_error("aadhaar" if self.step == "personal" else None, exc)
            existing = exc.existing
            if existing is not None and self.request.user.has_role(
                    *STAFF_REGISTRARS, R.CSC_OPERATOR, R.DISTRICT_ADMIN) and scoped(
                    self.request.user, Worker).filter(pk=existing.pk).exists():
                # Officers (and the operator who holds the worker's consent) see the record.
                self.extra_context = {"duplicate": existing}
            return self.form_invalid(form)
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Saved."))
        if "save_exit" in self.request.POST:
            return redirect(self.worker)
        next_step = services.STEPS[services.STEPS.index(self.step) + 1]
        return redirect(worker_step_url(self.worker, next_step))


class WorkerDocumentsView(StepMixin, TemplateView):
    """Photo and documents: each upload is saved at once."""

    step = "documents"
    template_name = "registration/worker_documents.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("photo_form", forms.PhotoForm())
        context.setdefault("document_form", forms.DocumentForm())
        context["documents"] = list(self.worker.documents.all())
        context["needs_work_certificate"] = self.worker.category == Worker.Category.BOC
        return context

    def post(self, request, uuid):
        user = request.user
        action = request.POST.get("action")
        try:
            if action == "photo":
                form = forms.PhotoForm(request.POST, request.FILES)
                if not form.is_valid():
                    return self.render_to_response(self.get_context_data(photo_form=form))
                services.worker_photo_set(actor=user, worker_id=self.worker.pk,
                                          jpeg=form.cleaned_data["photo"], request=request)
                messages.success(request, _("Photo saved."))
            elif action == "document":
                form = forms.DocumentForm(request.POST, request.FILES)
                if not form.is_valid():
                    return self.render_to_response(self.get_context_data(document_form=form))
                services.worker_document_add(
                    actor=user, worker_id=self.worker.pk, kind=form.cleaned_data["kind"],
                    upload=form.cleaned_data["file"],
                    content_type=form.cleaned_data["content_type"], request=request)
                messages.success(request, _("Document saved."))
            elif action == "remove":
                document = self.worker.documents.filter(uuid=request.POST.get("document")).first()
                if document is None:
                    raise Http404
                services.worker_document_remove(actor=user, worker_id=self.worker.pk,
                                                document_id=document.pk, request=request)
                messages.success(request, _("Document removed."))
            elif action == "next":
                services.worker_step_save(actor=user, worker_id=self.worker.pk,
                                          step="documents", data={}, request=request)
                return redirect(worker_step_url(self.worker, "review"))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect(worker_step_url(self.worker, "documents"))


class WorkerReviewSubmitView(StepMixin, FormView):
    """Everything on one page, what is missing, the privacy notice, and submit."""

    step = "review"
    template_name = "registration/worker_review.html"
    form_class = forms.SubmitForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["missing"] = services.worker_missing(self.worker)
        context["family"] = list(self.worker.family.all())
        context["documents"] = list(self.worker.documents.all())
        return context

    def form_valid(self, form):
        try:
            services.worker_submit(actor=self.request.user, worker_id=self.worker.pk,
                                   request=self.request)
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Registration submitted. Keep the reference number."))
        return redirect(reverse("registration:worker_detail", args=[self.worker.uuid])
                        + "?submitted=1")


# --- Seeing a worker ------------------------------------------------------------------


class WorkerDetailView(WorkerObjectMixin, TemplateView):
    """A worker's registration: status, reason, details (masked), documents, card, history."""

    template_name = "registration/worker_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        worker = self.worker
        user = self.request.user
        context["transitions"] = list(worker.transitions.select_related("actor"))
        context["family"] = list(worker.family.all())
        context["documents"] = list(worker.documents.all())
        context["card"] = worker.cards.exclude(status="superseded").first()
        context["is_verifier"] = user.has_role(*VERIFIERS)
        context["can_edit"] = worker.is_editable and user.has_role(
            R.WORKER, R.CSC_OPERATOR, *STAFF_REGISTRARS)
        context["just_submitted"] = self.request.GET.get("submitted") == "1"
        # Officers and admins see the record's row history on its page (the worker sees
        # theirs under "who saw or changed my record").
        if user.has_role(R.LABOUR_OFFICER, R.DISTRICT_ADMIN, R.STATE_ADMIN):
            context["changes"] = list(object_history(obj=worker)[:50])
        context["is_state_admin"] = user.has_role(R.STATE_ADMIN)
        return context


class WorkerReviewView(WorkerObjectMixin, TemplateView):
    """The officer's review: everything, the documents and possible duplicates; decide."""

    allowed_roles = VERIFIERS
    template_name = "registration/worker_review_officer.html"

    def get_worker(self):
        worker = super().get_worker()
        # A full review (documents, bank) is a sensitive read the worker may see.
        audit_event_record(action=AuditEvent.Action.SENSITIVE_READ, request=self.request,
                           obj=worker, district=worker.district, summary="reviewed")
        return worker

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        duplicates = selectors.worker_possible_duplicates(worker=self.worker)
        # Candidates from other districts are shown, but linked only where the officer
        # may open them.
        visible = set(scoped(self.request.user, Worker).filter(
            pk__in=[d.pk for d in duplicates]).values_list("pk", flat=True))
        for duplicate in duplicates:
            duplicate.is_visible = duplicate.pk in visible
        context["duplicates"] = duplicates
        context["family"] = list(self.worker.family.all())
        context["documents"] = list(self.worker.documents.all())
        context["transitions"] = list(self.worker.transitions.select_related("actor"))
        context["reason_form"] = forms.ReasonForm()
        return context


class WorkerDecisionView(WorkerObjectMixin, TemplateView):
    """Confirm and carry out one transition: approve, send back or reject."""

    allowed_roles = VERIFIERS
    template_name = "registration/worker_confirm.html"
    decisions = {
        "approve": (services.worker_approve, _("Approve this registration?"),
                    _("Registration approved; the labour card is being made.")),
        "send-back": (services.worker_send_back, _("Send this registration back for "
                                                   "correction?"),
                      _("Sent back to the worker with your reason.")),
        "reject": (services.worker_reject, _("Reject this registration?"),
                   _("Registration rejected.")),
        "renew": (services.worker_renew, _("Renew this registration for another period?"),
                  _("Registration renewed; a new card is being made.")),
    }

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        if kwargs["decision"] not in self.decisions:
            raise Http404
        self.decision = kwargs["decision"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["question"] = self.decisions[self.decision][1]
        context["decision"] = self.decision
        context["needs_reason"] = self.decision in ("send-back", "reject")
        context.setdefault("reason_form", forms.ReasonForm())
        return context

    def post(self, request, uuid, decision):
        service, _question, done = self.decisions[decision]
        kwargs = {"actor": request.user, "worker_id": self.worker.pk, "request": request}
        if decision in ("send-back", "reject"):
            form = forms.ReasonForm(request.POST)
            if not form.is_valid():
                return self.render_to_response(self.get_context_data(reason_form=form))
            kwargs["reason"] = form.cleaned_data["reason"]
        try:
            service(**kwargs)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(self.worker)
        messages.success(request, done)
        if decision in ("approve", "send-back", "reject") and "next" in request.POST:
            return redirect("registration:worker_queue")
        return redirect(self.worker)


class WorkerListView(PortalListView):
    """The workers one may see, filtered and searchable; exports are masked."""

    allowed_roles = {R.CSC_OPERATOR, R.LABOUR_OFFICER, R.DISTRICT_ADMIN, R.STATE_ADMIN}
    model = Worker
    filterset_class = WorkerFilter
    template_name = "registration/worker_list.html"
    export_name = "workers"
    title = _("Workers")

    @property
    def export_columns(self):
        return _worker_export_columns()

    def get_base_queryset(self):
        return selectors.worker_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = self.title
        context["can_print"] = self.request.user.has_role(*VERIFIERS)
        return context


class WorkerQueueView(WorkerListView):
    """Registrations awaiting verification, oldest first."""

    allowed_roles = VERIFIERS
    title = _("Verification queue")
    export_name = "verification-queue"

    def get_base_queryset(self):
        return selectors.worker_queue(user=self.request.user)

    def get_queryset(self):
        return super().get_queryset().order_by("submitted_at", "pk")


# --- Files ----------------------------------------------------------------------------


def _private_file(field, content_type: str, filename: str):
    if not field:
        raise Http404
    response = FileResponse(field.open("rb"), content_type=content_type,
                            filename=filename, as_attachment=False)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _audit_file_read(request, worker, obj, summary: str) -> None:
    # Identity proofs and passbooks are sensitive: a read by anyone but the worker is kept.
    if worker.owner_id != request.user.pk:
        audit_event_record(action=AuditEvent.Action.SENSITIVE_READ, request=request, obj=obj,
                           district=worker.district, summary=summary)


class WorkerPhotoView(WorkerObjectMixin, View):
    def get(self, request, uuid):
        return _private_file(self.worker.photo, "image/jpeg", f"{uuid}.jpg")


class WorkerDocumentFileView(WorkerObjectMixin, View):
    """Serve a document only to someone who may see the worker."""

    def get(self, request, uuid, document):
        doc = WorkerDocument.objects.filter(worker=self.worker, uuid=document).first()
        if doc is None:
            raise Http404
        extension = doc.file.name.rsplit(".", 1)[-1]
        response = _private_file(doc.file, doc.content_type, f"{doc.kind}.{extension}")
        _audit_file_read(request, self.worker, doc, f"document viewed ({doc.kind})")
        return response


class BlocksView(RoleRequiredMixin, View):
    """The blocks of a district, for the cascading select."""

    allowed_roles = {R.WORKER, R.CSC_OPERATOR} | STAFF_REGISTRARS | {R.DISTRICT_ADMIN}

    def get(self, request):
        try:
            district_id = int(request.GET.get("district", ""))
        except ValueError:
            return JsonResponse({"blocks": []})
        blocks = Block.objects.filter(district_id=district_id).order_by("name_en")
        return JsonResponse({"blocks": [{"id": b.pk, "name": b.name} for b in blocks]})


class VillagesView(BlocksView):
    """The villages of a block, for the cascading select."""

    def get(self, request):
        try:
            block_id = int(request.GET.get("block", ""))
        except ValueError:
            return JsonResponse({"villages": []})
        villages = Village.objects.filter(block_id=block_id).order_by("name_en")
        return JsonResponse({"villages": [{"id": v.pk, "name": v.name} for v in villages]})


urls = [
    path("new/", WorkerStartView.as_view(), name="worker_start"),
    path("new/consent/", WorkerConsentView.as_view(), name="worker_consent"),
    path("workers/", WorkerListView.as_view(), name="worker_list"),
    path("queue/", WorkerQueueView.as_view(), name="worker_queue"),
    path("blocks/", BlocksView.as_view(), name="blocks"),
    path("villages/", VillagesView.as_view(), name="villages"),
    path("worker/<uuid:uuid>/", WorkerDetailView.as_view(), name="worker_detail"),
    path("worker/<uuid:uuid>/review/", WorkerReviewView.as_view(), name="worker_review"),
    path("worker/<uuid:uuid>/photo/", WorkerPhotoView.as_view(), name="worker_photo"),
    path("worker/<uuid:uuid>/documents/<uuid:document>/", WorkerDocumentFileView.as_view(),
         name="document_file"),
    path("worker/<uuid:uuid>/edit/documents/", WorkerDocumentsView.as_view(),
         name="worker_documents"),
    path("worker/<uuid:uuid>/edit/review/", WorkerReviewSubmitView.as_view(),
         name="worker_submit"),
    path("worker/<uuid:uuid>/edit/<slug:step>/", WorkerStepView.as_view(), name="worker_step"),
    re_path(r"^worker/(?P<uuid>[0-9a-f-]{36})/(?P<decision>approve|send-back|reject|renew)/$",
            WorkerDecisionView.as_view(), name="worker_decision"),
]
