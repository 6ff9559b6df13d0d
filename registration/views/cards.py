"""Views of registration: labour cards (download, re-issue, the officers' list, bulk printing)."""

from __future__ import annotations

import uuid as uuid_lib

import django_filters
from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, Value, When
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import FormView, TemplateView

from core.audit import audit_event_record
from core.models import AuditEvent
from core.roles import RoleCode as R
from core.scoping import scoped
from core.services import job_create
from core.views.base import (
    PortalListView,
    RoleRequiredMixin,
    private_file_response,
    scoped_object_or_404,
)
from registration import cards, services
from registration.models import Camp, LabourCard, Worker
from registration.views.workers import WorkerObjectMixin

CARD_HOLDER_VIEWERS = {R.WORKER, R.CSC_OPERATOR, R.LABOUR_OFFICER, R.DISTRICT_ADMIN,
                       R.STATE_ADMIN}
CARD_ISSUERS = {R.LABOUR_OFFICER, R.STATE_ADMIN}
CARD_MANAGERS = {R.LABOUR_OFFICER, R.DISTRICT_ADMIN, R.STATE_ADMIN}
MAX_CARDS_PER_PRINT = 2000  # one PDF of ~400 A4 pages; larger camps print in parts.


def _local(value, fmt="%d/%m/%Y %H:%M"):
    return timezone.localtime(value).strftime(fmt) if value else ""


# --- One worker's card ------------------------------------------------------------------


class CardDownloadView(WorkerObjectMixin, View):
    """The worker's current card as a PDF, or a page saying it is being made or failed."""

    allowed_roles = CARD_HOLDER_VIEWERS

    def get(self, request, uuid):
        worker = self.worker
        card = worker.cards.exclude(status=LabourCard.Status.SUPERSEDED).first()
        if card is None or card.status != LabourCard.Status.READY or not card.file:
            return render(request, "registration/card_detail.html", {
                "worker": worker, "card": card,
                "can_retry": card is not None and card.status == LabourCard.Status.FAILED
                and request.user.has_role(*CARD_MANAGERS),
            })
        if worker.owner_id != request.user.pk:
            # Someone other than the worker took a copy of their card.
            audit_event_record(action=AuditEvent.Action.SENSITIVE_READ, request=request,
                               obj=card, district=worker.district,
                               summary=f"card v{card.version} downloaded")
        return private_file_response(
            card.file, content_type="application/pdf",
            filename=f"labour-card-{worker.registration_number}.pdf")


class CardReissueView(WorkerObjectMixin, TemplateView):
    """Confirm, then make a new version of the card (the current one is superseded)."""

    allowed_roles = CARD_ISSUERS
    template_name = "registration/card_confirm.html"

    def post(self, request, uuid):
        try:
            services.labour_card_issue(actor=request.user, worker_id=self.worker.pk,
                                       request=request)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("A new card is being made. The old card is no "
                                        "longer valid."))
        return redirect(reverse("registration:worker_detail", args=[uuid]))


# --- The officers' list of cards --------------------------------------------------------


class LabourCardFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=LabourCard.Status.choices, label=_("Status"),
                                         empty_label=_("Any status"))
    number = django_filters.CharFilter(field_name="worker__registration_number",
                                       lookup_expr="icontains",
                                       label=_("Registration number"))

    class Meta:
        model = LabourCard
        fields = []


class LabourCardListView(PortalListView):
    """Cards in the user's jurisdiction, failed ones first, with a retry button."""

    allowed_roles = CARD_MANAGERS
    model = LabourCard
    filterset_class = LabourCardFilter
    template_name = "registration/card_list.html"
    export_name = "labour-cards"
    export_columns = [
        (_("Registration number"), lambda c: c.worker.registration_number or ""),
        (_("Name"), lambda c: c.worker.display_name),
        (_("District"), lambda c: c.worker.district.name_en if c.worker.district else ""),
        (_("Card version"), lambda c: c.version),
        (_("Status"), lambda c: c.get_status_display()),
        (_("Attempts"), lambda c: c.attempts),
        (_("Requested at"), lambda c: _local(c.created_at)),
        (_("Made at"), lambda c: _local(c.generated_at)),
    ]

    def get_base_queryset(self):
        order = Case(When(status=LabourCard.Status.FAILED, then=Value(0)),
                     When(status=LabourCard.Status.PENDING, then=Value(1)),
                     default=Value(2), output_field=IntegerField())
        return (LabourCard.objects.select_related("worker__district")
                .annotate(status_order=order).order_by("status_order", "-created_at", "-pk"))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_retry"] = self.request.user.has_role(*CARD_ISSUERS)
        return context


class CardRetryView(RoleRequiredMixin, View):
    """Render a failed card again, in the background (not district admins: read-only)."""

    allowed_roles = CARD_ISSUERS

    def post(self, request, pk):
        card = scoped_object_or_404(request, scoped(request.user, LabourCard), pk=pk)
        try:
            cards.labour_card_retry(actor=request.user, card_id=card.pk, request=request)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The card is being made again."))
        return redirect("registration:card_list")


# --- Bulk printing ----------------------------------------------------------------------


class WorkerChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.registration_number} — {obj.display_name}"


class CardPrintForm(forms.Form):
    camp = forms.ModelChoiceField(queryset=Camp.objects.none(), required=False,
                                  label=_("Camp"), empty_label=_("Choose a camp"),
                                  help_text=_("Print the cards of every active worker "
                                              "registered at this camp."))
    worker = WorkerChoiceField(queryset=Worker.objects.none(), required=False,
                               to_field_name="uuid", widget=forms.CheckboxSelectMultiple,
                               label=_("Workers"))

    def __init__(self, *args, user, worker_uuids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["camp"].queryset = scoped(user, Camp).order_by("-starts_on", "name")
        # Only the workers named in the request are offered (never a list of thousands).
        self.fields["worker"].queryset = (
            scoped(user, Worker).filter(status=Worker.Status.ACTIVE, uuid__in=worker_uuids)
            .order_by("registration_number"))

    def clean(self):
        data = super().clean()
        if bool(data.get("camp")) == bool(data.get("worker")):
            raise ValidationError(_("Choose a camp, or tick the workers whose cards to print "
                                    "(not both)."), code="choose_one")
        return data


def _uuids(values) -> list[uuid_lib.UUID]:
    result = []
    for value in values:
        try:
            result.append(uuid_lib.UUID(value))
        except ValueError:
            continue
    return result


class CardPrintView(RoleRequiredMixin, FormView):
    """Print many cards on A4 card stock: a camp's, or the ticked workers' (a background job)."""

    allowed_roles = CARD_MANAGERS
    template_name = "registration/card_print_form.html"
    form_class = CardPrintForm

    def get_initial(self):
        return {"worker": _uuids(self.request.GET.getlist("worker"))}

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        source = self.request.POST if self.request.method == "POST" else self.request.GET
        kwargs["user"] = self.request.user
        kwargs["worker_uuids"] = _uuids(source.getlist("worker"))
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["has_workers"] = context["form"].fields["worker"].queryset.exists()
        return context

    def form_valid(self, form):
        camp = form.cleaned_data["camp"]
        if camp is not None:
            params = {"camp_id": camp.pk}
        else:
            params = {"worker_ids": [str(w.uuid) for w in form.cleaned_data["worker"]]}
        total = cards.card_print_workers(user=self.request.user,
                                         worker_uuids=params.get("worker_ids"),
                                         camp_id=params.get("camp_id")).count()
        if total == 0:
            form.add_error(None, _("None of these workers has an active registration with a "
                                   "card to print."))
            return self.form_invalid(form)
        if total > MAX_CARDS_PER_PRINT:
            form.add_error(None, _("At most %(max)d cards can be printed at once; this "
                                   "selection has %(n)d.") % {"max": MAX_CARDS_PER_PRINT,
                                                               "n": total})
            return self.form_invalid(form)
        job = job_create(actor=self.request.user, kind="card_print", params=params, total=total)
        return redirect(job)


urls = [
    path("worker/<uuid:uuid>/card/", CardDownloadView.as_view(), name="card_download"),
    path("worker/<uuid:uuid>/card/reissue/", CardReissueView.as_view(), name="card_reissue"),
    path("cards/", LabourCardListView.as_view(), name="card_list"),
    path("cards/<int:pk>/retry/", CardRetryView.as_view(), name="card_retry"),
    path("cards/print/", CardPrintView.as_view(), name="card_print"),
]
