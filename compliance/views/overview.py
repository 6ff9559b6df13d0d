"""Views of the compliance overview: cases counted by district and stage, and visits due.

Every number of the overview links to the list it counts, filtered so that the
list shows the same number (the tile-equals-list tests check the child side and
the bonded links' query strings).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from compliance import selectors
from compliance.models import BondedCase, ChildCase
from core.audit import audit_event_record
from core.models import AuditEvent
from core.roles import RoleCode as R
from core.views.base import RoleRequiredMixin, table_download

READERS = {R.LABOUR_OFFICER, R.DISTRICT_ADMIN, R.STATE_ADMIN}
KEEPERS = {R.LABOUR_OFFICER, R.STATE_ADMIN}
# Visits due shown per kind of case; the count above the table says how many there are.
VISITS_SHOWN = 300

# Columns of the bonded labour table: (heading, count key, list filter).
BONDED_COLUMNS = [
    *[(label, stage, {"stage": stage}) for stage, label in BondedCase.Stage.choices],
    (_("All cases"), "total", {}),
    (_("Immediate assistance overdue"), "overdue", {"overdue": "1"}),
    # FIR registered, charge sheet filed or trial pending: no judgment yet.
    (_("Legal action pending"), "trial", {"legal_pending": "1"}),
]
CHILD_COLUMNS = [
    *[(label, stage, {"stage": stage}) for stage, label in ChildCase.Stage.choices],
    (_("All cases"), "total", {}),
    (_("Prosecution pending in court"), "prosecution_pending", {"prosecution_pending": "1"}),
]


def _district_name(row: dict, prefix: str) -> str:
    if get_language() == "hi" and row.get(f"{prefix}__name_hi"):
        return row[f"{prefix}__name_hi"]
    return row[f"{prefix}__name_en"]


def _table(rows: list[dict], *, columns, district_key: str, district_param: str,
           list_url: str) -> dict:
    """Return the rows with one linked cell per column, and a totals row linked likewise."""
    prefix = district_key.removesuffix("_id")
    table_rows = []
    for row in rows:
        district = {district_param: row[district_key]}
        table_rows.append({
            "district": _district_name(row, prefix),
            "cells": [{"count": row[key],
                       "url": f"{list_url}?{urlencode({**district, **query})}"}
                      for _label, key, query in columns],
        })
    totals = [{"count": sum(row[key] for row in rows),
               "url": f"{list_url}?{urlencode(query)}" if query else list_url}
              for _label, key, query in columns]
    return {"headings": [label for label, _key, _query in columns], "rows": table_rows,
            "totals": totals}


class OverviewView(RoleRequiredMixin, TemplateView):
    """Bonded and child labour cases by district and stage, with the days to each milestone."""

    allowed_roles = READERS
    template_name = "compliance/overview.html"

    def get(self, request, *args, **kwargs):
        fmt = request.GET.get("export")
        if fmt in ("csv", "xlsx"):
            return self.export(fmt)
        return super().get(request, *args, **kwargs)

    def tables(self) -> dict:
        user = self.request.user
        return {
            "bonded": _table(selectors.bonded_counts(user=user), columns=BONDED_COLUMNS,
                             district_key="origin_district_id",
                             district_param="origin_district",
                             list_url=reverse("compliance:bonded_list")),
            "child": _table(selectors.child_counts(user=user), columns=CHILD_COLUMNS,
                            district_key="district_id", district_param="district",
                            list_url=reverse("compliance:child_list")),
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        milestones = selectors.bonded_milestones(user=user)
        context.update(
            tables=self.tables(),
            milestones=[
                (_("Immediate assistance paid"), milestones["assistance"]),
                (_("FIR registered"), milestones["fir"]),
                (_("Rehabilitated"), milestones["rehabilitated"]),
                (_("Judgment"), milestones["judgment"]),
            ],
            may_keep=user.has_role(*KEEPERS),
            filter_query="",
        )
        return context

    def export(self, fmt: str):
        """Download the counts, one row per register, district and measure (audited)."""
        tables = self.tables()
        values = []
        for register, table in ((_("Bonded labour"), tables["bonded"]),
                                (_("Child labour"), tables["child"])):
            for row in table["rows"]:
                for heading, cell in zip(table["headings"], row["cells"], strict=True):
                    values.append([str(register), row["district"], str(heading),
                                   cell["count"]])
        audit_event_record(action=AuditEvent.Action.EXPORT, request=self.request,
                           object_type="compliance.overview",
                           summary=f"case counts as {fmt}",
                           detail={"rows": len(values), "format": fmt})
        headers = [str(_("Register")), str(_("District")), str(_("Count of")),
                   str(_("Cases"))]
        filename = f"compliance-counts-{timezone.localdate():%Y%m%d}.{fmt}"
        return table_download(fmt=fmt, headers=headers, values=values, filename=filename)


class VisitsDueView(RoleRequiredMixin, TemplateView):
    """Bonded and child cases whose follow-up visit is due by today, oldest first."""

    allowed_roles = READERS
    template_name = "compliance/visits_due.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        due = selectors.visits_due(user=self.request.user, on=today)
        bonded = list(due["bonded"][:VISITS_SHOWN])
        children = list(due["children"][:VISITS_SHOWN])
        rows = [
            {"kind": _("Bonded labour"), "case": case, "district": case.origin_district,
             "due_on": case.next_visit_on, "days": (today - case.next_visit_on).days,
             "visit_url": reverse("compliance:bonded_visit", args=[case.uuid])}
            for case in bonded
        ] + [
            {"kind": _("Child labour"), "case": case, "district": case.district,
             "due_on": case.next_visit_on, "days": (today - case.next_visit_on).days,
             "visit_url": reverse("compliance:child_visit", args=[case.uuid])}
            for case in children
        ]
        rows.sort(key=lambda row: (row["due_on"], row["case"].number))
        counts = {"bonded": len(bonded), "children": len(children)}
        if len(bonded) == VISITS_SHOWN:
            counts["bonded"] = due["bonded"].count()
        if len(children) == VISITS_SHOWN:
            counts["children"] = due["children"].count()
        context.update(rows=rows, counts=counts, total=counts["bonded"] + counts["children"],
                       is_cut=len(rows) < counts["bonded"] + counts["children"],
                       may_keep=self.request.user.has_role(*KEEPERS), today=today)
        return context


urls = [
    path("", OverviewView.as_view(), name="overview"),
    path("visits-due/", VisitsDueView.as_view(), name="visits_due"),
]
