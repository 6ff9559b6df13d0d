"""Views of factories' safety committees: members, meetings with minutes, and the
hazardous factories whose committee is missing, unbalanced or has not met this quarter.

The factory's employer and the district's officials read a committee; the employer and
the district's safety inspector (and the state admin) keep it.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView, View

from compliance import selectors_safety, services
from compliance.forms_safety import (
    CommitteeMeetingForm,
    CommitteeMemberForm,
    CommitteesMissingFilter,
    add_service_error,
)
from compliance.models import CommitteeMeeting, CommitteeMember, Factory
from core.audit import audit_event_record
from core.models import AuditEvent
from core.roles import RoleCode as R
from core.scoping import scoped
from core.views.base import (
    PortalListView,
    RoleRequiredMixin,
    private_file_response,
    scoped_object_or_404,
)

READERS = {R.EMPLOYER, R.SAFETY_INSPECTOR, R.LABOUR_OFFICER, R.DISTRICT_ADMIN, R.STATE_ADMIN}
OFFICIALS = {R.SAFETY_INSPECTOR, R.LABOUR_OFFICER, R.DISTRICT_ADMIN, R.STATE_ADMIN}
# Besides the factory's own employer: the district's inspector and the state admin.
KEEPERS = {R.SAFETY_INSPECTOR, R.STATE_ADMIN}


def quarter_start(today: date | None = None) -> date:
    """Return the first day of the last quarter: a committee must have met since."""
    return (today or timezone.localdate()) - timedelta(
        days=selectors_safety.COMMITTEE_MEETING_DAYS)


def missing_reasons(factory: Factory, *, since: date) -> list[str]:
    """Return what a factory's committee lacks (from the counts of committees_missing)."""
    reasons = []
    if not factory.management and not factory.workers:
        reasons.append(_("No committee"))
    elif factory.management != factory.workers:
        reasons.append(_("Unequal sides"))
    if factory.last_meeting_on is None or factory.last_meeting_on < since:
        reasons.append(_("No meeting this quarter"))
    return [str(reason) for reason in reasons]


class FactoryMixin(RoleRequiredMixin):
    """Load the factory named in the URL through the user's scope (404 otherwise)."""

    allowed_roles = READERS

    def dispatch(self, request, *args, **kwargs):
        # The role check comes first: a refused role is not told whether the factory exists.
        if request.user.is_authenticated and request.user.has_role(*self.allowed_roles):
            self.factory = scoped_object_or_404(
                request, scoped(request.user, Factory).select_related("establishment",
                                                                      "district"),
                uuid=kwargs["uuid"])
        return super().dispatch(request, *args, **kwargs)

    def may_keep(self) -> bool:
        user = self.request.user
        if user.has_role(*KEEPERS):
            return True
        return user.has_role(R.EMPLOYER) and self.factory.establishment.owner_id == user.pk

    def refuse(self):
        """A reader who may not keep the committee gets a 404, and the refusal is audited."""
        audit_event_record(action=AuditEvent.Action.REFUSAL, request=self.request,
                           obj=self.factory, district=self.factory.district,
                           summary="committee change refused")
        raise Http404


class CommitteeView(FactoryMixin, TemplateView):
    """The committee: members by side (half each), meetings with minutes, and the two
    forms that add a member and record a meeting (``action`` tells them apart)."""

    template_name = "compliance/committee_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, factory = self.request.user, self.factory
        members = list(scoped(user, CommitteeMember).filter(factory=factory))
        meetings = list(scoped(user, CommitteeMeeting).filter(factory=factory)
                        .select_related("recorded_by"))
        management = [m for m in members if m.side == CommitteeMember.Side.MANAGEMENT]
        workers = [m for m in members if m.side == CommitteeMember.Side.WORKERS]
        last_meeting = meetings[0] if meetings else None
        may_keep = self.may_keep()
        context.update(
            factory=factory, management=management, workers=workers,
            has_members=bool(members),
            is_balanced=bool(members) and len(management) == len(workers),
            meetings=meetings, last_meeting=last_meeting,
            met_this_quarter=bool(last_meeting and last_meeting.held_on >= quarter_start()),
            may_keep=may_keep)
        if may_keep:
            # A form that failed comes in through kwargs (already in the context).
            if "member_form" not in context:
                context["member_form"] = CommitteeMemberForm()
            if "meeting_form" not in context:
                context["meeting_form"] = CommitteeMeetingForm()
        return context

    def post(self, request, *args, **kwargs):
        if not self.may_keep():
            self.refuse()
        action = request.POST.get("action")
        if action == "member":
            form = CommitteeMemberForm(request.POST)
            if form.is_valid():
                try:
                    services.committee_member_add(actor=request.user,
                                                  factory_id=self.factory.pk,
                                                  data=dict(form.cleaned_data), request=request)
                except ValidationError as exc:
                    add_service_error(form, exc)
                else:
                    messages.success(request, _("The member is added to the committee."))
                    return redirect("compliance:committee", uuid=self.factory.uuid)
            return self.render_to_response(self.get_context_data(member_form=form))
        if action == "meeting":
            form = CommitteeMeetingForm(request.POST, request.FILES)
            if form.is_valid():
                try:
                    services.committee_meeting_add(
                        actor=request.user, factory_id=self.factory.pk,
                        held_on=form.cleaned_data["held_on"],
                        minutes=form.cleaned_data["minutes"], request=request)
                except ValidationError as exc:
                    add_service_error(form, exc)
                else:
                    messages.success(request, _("The meeting is recorded."))
                    return redirect("compliance:committee", uuid=self.factory.uuid)
            return self.render_to_response(self.get_context_data(meeting_form=form))
        return HttpResponseBadRequest()


class CommitteeMemberRemoveView(FactoryMixin, View):
    """Remove a member from the committee (a POST from the committee page)."""

    # Only those who keep the committee; readers get the 404 of any refused role.
    allowed_roles = KEEPERS | {R.EMPLOYER}
    http_method_names = ["post"]

    def post(self, request, uuid, member):
        if not self.may_keep():
            self.refuse()
        if not scoped(request.user, CommitteeMember).filter(factory=self.factory,
                                                            pk=member).exists():
            raise Http404
        services.committee_member_remove(actor=request.user, factory_id=self.factory.pk,
                                         member_id=member, request=request)
        messages.success(request, _("The member is removed from the committee."))
        return redirect("compliance:committee", uuid=self.factory.uuid)


class CommitteeMinutesView(FactoryMixin, View):
    """Download a meeting's minutes (as an attachment)."""

    def get(self, request, uuid, meeting):
        record = scoped(request.user, CommitteeMeeting).filter(factory=self.factory,
                                                               pk=meeting).first()
        if record is None or not record.minutes:
            raise Http404
        extension = record.minutes.name.rsplit(".", 1)[-1].lower()
        return private_file_response(
            record.minutes, filename=f"committee-minutes-{record.held_on:%Y%m%d}.{extension}")


class CommitteesMissingView(PortalListView):
    """Hazardous factories without a balanced committee that met this quarter."""

    allowed_roles = OFFICIALS
    model = Factory
    filterset_class = CommitteesMissingFilter
    template_name = "compliance/committee_missing.html"
    export_name = "safety-committees-missing"

    @property
    def export_columns(self):
        since = quarter_start()
        return [
            (_("Factory"), lambda f: f.establishment.name),
            (_("Licence number"), lambda f: f.licence_number),
            (_("District"), lambda f: f.district.name_en),
            (_("Management members"), lambda f: f.management),
            (_("Workers' members"), lambda f: f.workers),
            (_("Last meeting"), lambda f: f.last_meeting_on.strftime("%d/%m/%Y")
             if f.last_meeting_on else ""),
            (_("Missing"), lambda f: "; ".join(missing_reasons(f, since=since))),
        ]

    def get_base_queryset(self):
        return selectors_safety.committees_missing(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        since = quarter_start()
        rows = list(context["object_list"])
        for factory in rows:
            factory.missing = missing_reasons(factory, since=since)
        context["object_list"] = rows
        context["since"] = since
        return context


urls = [
    path("factories/<uuid:uuid>/committee/", CommitteeView.as_view(), name="committee"),
    path("factories/<uuid:uuid>/committee/members/<int:member>/remove/",
         CommitteeMemberRemoveView.as_view(), name="committee_member_remove"),
    path("factories/<uuid:uuid>/committee/meetings/<int:meeting>/minutes/",
         CommitteeMinutesView.as_view(), name="committee_minutes"),
    path("committees/missing/", CommitteesMissingView.as_view(), name="committees_missing"),
]
