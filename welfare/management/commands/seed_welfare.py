"""The demo scheme catalogue and demo applications at every stage (development only).

Runs after ``seed_registration``. Applications go through the real services, so
numbers, limits, transitions and audit are real. Demo workers are given an older
registration date (so that membership periods are met) and children.
"""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.models import User
from registration.models import FamilyMember, Worker
from welfare import services
from welfare.catalogue import scheme_catalogue_load
from welfare.models import Application, Scheme


def demo_document(kind: str):
    upload = io.BytesIO(b"%PDF-1.4\n% demo document\n%%EOF\n")
    upload.name = f"{kind}.pdf"
    return kind, upload, "application/pdf"


class Command(BaseCommand):
    help = "Load the demo scheme catalogue and demo applications (development only)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("seed_welfare is for development only (DEBUG off).")
        made = scheme_catalogue_load()
        self.stdout.write(f"Schemes: {made} created, {Scheme.objects.count()} in the catalogue.")
        if Application.objects.exists():
            self.stdout.write("Demo applications already present.")
            return
        officer = User.objects.get(username="officer.raipur")
        officer_b = User.objects.get(username="officer.bilaspur")
        today = timezone.localdate()
        workers = list(Worker.objects.filter(status=Worker.Status.ACTIVE, category="boc")
                       .order_by("pk"))
        # Demo workers registered "last year", so that membership periods are met.
        Worker.objects.filter(pk__in=[w.pk for w in workers]).update(
            registered_on=today - timedelta(days=400))
        edu, tool = (Scheme.objects.get(code=code) for code in ("edu", "tool"))
        slabs = list(edu.slabs.all())
        for index, worker in enumerate(workers):
            worker.refresh_from_db()
            if not worker.family.filter(relation__in=["son", "daughter"]).exists():
                FamilyMember.objects.create(
                    worker=worker, name=f"{worker.name_latin.split()[0]} child",
                    relation="son" if index % 2 else "daughter",
                    date_of_birth=date(2012 + index % 8, 1 + index % 12, 10))
            child = worker.family.filter(relation__in=["son", "daughter"]).first()
            owner_or_officer = worker.owner or worker.registered_by
            application = services.application_submit(
                actor=owner_or_officer, worker_id=worker.pk, scheme_id=edu.pk,
                channel="self" if worker.owner_id else "officer", family_member_id=child.pk,
                slab_id=slabs[index % len(slabs)].pk,
                documents=[demo_document(kind) for kind in edu.documents])
            if worker.owner_id:
                continue  # the demo worker's own application waits for the officer
            actor = officer if worker.district.code == "RPR" else officer_b
            stage = index % 4
            if stage >= 1:
                services.application_verify(actor=actor, application_id=application.pk)
            if stage >= 2:
                services.application_sanction(actor=actor, application_id=application.pk,
                                              amount=application.amount_claimed)
            if stage == 3 and worker.gender == "male":
                # A tool kit too: a second scheme in the reconciliation.
                tool_app = services.application_submit(
                    actor=actor, worker_id=worker.pk, scheme_id=tool.pk, channel="officer",
                    documents=[demo_document(kind) for kind in tool.documents])
                services.application_verify(actor=actor, application_id=tool_app.pk)
                services.application_sanction(actor=actor, application_id=tool_app.pk,
                                              amount=Decimal("5000"))
        self.stdout.write(f"Applications: {Application.objects.count()} at every stage; "
                          f"{Application.objects.filter(status='sanctioned').count()} "
                          "sanctioned, ready for a payment batch (log in as 'maker').")
