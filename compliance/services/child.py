"""Writes of child labour: surveys with the Child Welfare Committee and rescued children.

A child's record is the most restricted in the portal: only the district's labour
officers, its district admin and the state admin write or read it (the scoping
rules say who reads; ``require_district`` says who writes).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from compliance import rules
from compliance.models import ChildCase, ChildSurvey
from compliance.services.common import case_number, require_district
from core.audit import audit_event_record
from core.models import AuditEvent
from core.scoping import scoped

SURVEY_FIELDS = ["district", "area", "starts_on", "ends_on", "team", "cwc_members",
                 "establishments_visited", "children_found", "findings"]
# The parts of a child's case, each edited on its own form.
SECTIONS = {
    "child": ["survey", "rescued_on", "name", "gender", "age", "age_proof", "guardian_name",
              "home_address", "establishment_name", "establishment_address", "employer_name",
              "work", "is_hazardous"],
    "order": ["cwc_order_number", "cwc_order_on", "placement", "placement_details"],
    "rehabilitation": ["education", "institution", "enrolled_on", "scholarship_amount",
                       "fund_deposit_amount", "fund_deposit_on"],
    "prosecution": ["complaint_on", "court_name", "court_case_number", "outcome", "outcome_on",
                    "fine_amount"],
}


def _audit(*, actor, obj, district, summary: str, request=None) -> None:
    audit_event_record(action=AuditEvent.Action.TRANSITION, request=request, actor=actor,
                       obj=obj, district=district, summary=summary)


def _survey_check(survey: ChildSurvey) -> None:
    if survey.starts_on > survey.ends_on:
        raise ValidationError({"ends_on": _("The last day comes on or after the first day.")})
    if survey.children_found and not survey.establishments_visited:
        raise ValidationError({"establishments_visited": _(
            "Children were found: give the number of establishments visited.")})


@transaction.atomic
def child_survey_save(*, actor, data: dict, survey_id: int | None = None,
                      request=None) -> ChildSurvey:
    """Plan a survey for the district, or record its findings."""
    if survey_id is None:
        survey = ChildSurvey(created_by=actor)
    else:
        survey = scoped(actor, ChildSurvey).select_for_update().get(pk=survey_id)
    for field in SURVEY_FIELDS:
        if field in data:
            setattr(survey, field, data[field])
    require_district(actor, survey.district)
    _survey_check(survey)
    survey.save()
    _audit(actor=actor, obj=survey, district=survey.district, request=request,
           summary="survey planned" if survey_id is None else "survey updated")
    return survey


def _check(case: ChildCase) -> None:
    today = timezone.localdate()
    errors = {}
    if case.rescued_on > today:
        errors["rescued_on"] = _("The date of rescue cannot be in the future.")
    # The database refuses it too (compliance_child_is_minor); say why instead of failing.
    if case.age is not None and case.age >= 18:
        errors["age"] = _("A child labour case is for a child under 18.")
    if case.survey_id and case.survey.district_id != case.district_id:
        errors["survey"] = _("That survey is of another district.")
    if case.cwc_order_on and case.cwc_order_on < case.rescued_on:
        errors["cwc_order_on"] = _("The CWC order comes after the rescue.")
    if case.placement and not case.cwc_order_on:
        errors["placement"] = _("Placement follows the CWC order: record the order first.")
    if case.education and not (case.institution and case.enrolled_on):
        errors["institution"] = _("Give the school or centre and the date of enrolment.")
    if case.enrolled_on and case.enrolled_on < case.rescued_on:
        errors["enrolled_on"] = _("Enrolment comes after the rescue.")
    if case.fund_deposit_amount and not case.fund_deposit_on:
        errors["fund_deposit_on"] = _("Give the date of the deposit.")
    if case.outcome != "pending" and not (case.court_case_number and case.outcome_on):
        errors["outcome_on"] = _("An outcome needs the court case number and the date of "
                                 "judgment.")
    if case.fine_amount and case.outcome != "convicted":
        errors["fine_amount"] = _("A fine follows a conviction.")
    for field in ("enrolled_on", "fund_deposit_on", "complaint_on", "outcome_on",
                  "cwc_order_on"):
        value = getattr(case, field)
        if value and value > today:
            errors[field] = _("The date cannot be in the future.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def child_case_create(*, actor, data: dict, request=None) -> ChildCase:
    """Record a rescued child of the actor's district; the case is numbered CL-year-n."""
    require_district(actor, data.get("district"))
    fields = {key: value for key, value in data.items()
              if key == "district" or key in SECTIONS["child"]}
    case = ChildCase(number=case_number("CL", timezone.localdate()), created_by=actor, **fields)
    _check(case)
    case.stage = rules.child_stage(case)
    case.next_visit_on = rules.next_visit_after(case.rescued_on)
    case.save()
    _audit(actor=actor, obj=case, district=case.district, request=request,
           summary="child rescued")
    return case


@transaction.atomic
def child_case_update(*, actor, case_id: int, section: str, data: dict,
                      request=None) -> ChildCase:
    """Save one part of a child's case (the child, the order, rehabilitation, prosecution)."""
    case = scoped(actor, ChildCase).select_for_update().get(pk=case_id)
    require_district(actor, case.district)
    for field in SECTIONS[section]:
        if field in data:
            setattr(case, field, data[field])
    _check(case)
    case.stage = rules.child_stage(case)
    case.save()
    _audit(actor=actor, obj=case, district=case.district, request=request,
           summary=f"{section} saved")
    return case


def child_fund_deposit_default() -> int:
    """Return the deposit an offending employer makes per child (rupees)."""
    return settings.COMPLIANCE_CHILD_FUND_DEPOSIT
