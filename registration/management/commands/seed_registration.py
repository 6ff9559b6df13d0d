"""Demo registrations: workers at every stage, a camp and targets (development only).

Runs after ``seed_demo``. Synthetic workers go through the real services (so
numbers, transitions and audit are real); their Aadhaar numbers are generated
with a valid checksum from a reserved range that the portal marks nowhere else.
"""

from __future__ import annotations

import io
import random
from datetime import date, timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from PIL import Image
from stdnum import verhoeff

from core.models import District, User
from registration import services
from registration.models import Occupation, Worker

FIRST = [("रामू", "Ramu"), ("सीता", "Sita"), ("गीता", "Geeta"), ("मोहन", "Mohan"),
         ("कमला", "Kamla"), ("सुनील", "Sunil"), ("राधा", "Radha"), ("दिनेश", "Dinesh"),
         ("लक्ष्मी", "Laxmi"), ("संतोष", "Santosh"), ("पार्वती", "Parvati"), ("अजय", "Ajay")]
LAST = [("साहू", "Sahu"), ("वर्मा", "Verma"), ("यादव", "Yadav"), ("नेताम", "Netam"),
        ("ध्रुव", "Dhruw"), ("पटेल", "Patel"), ("मरकाम", "Markam"), ("सिन्हा", "Sinha")]


def demo_aadhaar(n: int) -> str:
    body = f"9{n:010d}"
    return body + verhoeff.calc_check_digit(body)


def demo_photo(seed: int) -> bytes:
    rnd = random.Random(seed)
    out = io.BytesIO()
    Image.new("RGB", (120, 150), (rnd.randint(90, 200), rnd.randint(80, 160),
                                  rnd.randint(60, 140))).save(out, format="JPEG")
    return out.getvalue()


class Command(BaseCommand):
    help = "Create demo registrations (development only)."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=120)
        parser.add_argument("--fast", action="store_true",
                            help="generate COUNT approved synthetic workers in SQL (state "
                                 "scale: --fast --count 10000000), without demo steps")

    def handle(self, *args, count, fast, **options):
        if not settings.DEBUG:
            raise CommandError("seed_registration is for development only (DEBUG off).")
        if fast:
            self._fast(count)
            return
        officer = User.objects.get(username="officer.raipur")
        raipur = District.objects.get(state__code="CG", code="RPR")
        self._demo_worker_profile(officer, raipur)
        if Worker.objects.filter(mobile__startswith="70000").exists():
            self.stdout.write("Demo registrations already present.")
            return
        csc = User.objects.get(username="csc.raipur")
        admin = User.objects.get(username="stateadmin")
        raipur = District.objects.get(state__code="CG", code="RPR")
        bilaspur = District.objects.get(state__code="CG", code="BSP")
        today = timezone.localdate()
        with transaction.atomic():
            camp = services.camp_create(actor=officer, data={
                "name": "Shramik panjiyan shivir", "place": "Gram panchayat bhawan",
                "district": raipur, "block": raipur.blocks.first(),
                "starts_on": today - timedelta(days=1), "ends_on": today + timedelta(days=2),
                "organiser": "Labour office, Raipur"})
            for district in (raipur, bilaspur):
                services.district_target_set(actor=admin, district=district,
                                             starts_on=date(today.year if today.month >= 4
                                                            else today.year - 1, 4, 1),
                                             ends_on=date(today.year + (today.month >= 4), 3, 31),
                                             target_count=500)
        occupations = list(Occupation.objects.all())
        rnd = random.Random(2026)
        made = 0
        for n in range(1, count + 1):
            district = raipur if n % 3 else bilaspur
            registrar = csc if n % 4 == 0 else officer
            first, last = rnd.choice(FIRST), rnd.choice(LAST)
            father = rnd.choice(FIRST)
            category = "boc" if n % 5 == 0 else "unorganised"
            worker = services.worker_draft_create(
                actor=registrar, channel="csc" if registrar == csc else "officer",
                mobile=f"70000{n:05d}", district=district,
                camp=camp if (district == raipur and n % 6 == 1) else None,
                consent_at=timezone.now() if registrar == csc else None)
            data = {
                "name": f"{first[0]} {last[0]}", "name_latin": f"{first[1]} {last[1]}",
                "relative_name": f"{father[0]} {last[0]}", "relative_relation": "father",
                "date_of_birth": date(1970 + n % 35, 1 + n % 12, 1 + n % 28),
                "gender": "female" if first[1] in ("Sita", "Geeta", "Kamla", "Radha", "Laxmi",
                                                   "Parvati") else "male",
                "mobile": f"70000{n:05d}", "aadhaar": demo_aadhaar(n)}
            services.worker_step_save(actor=registrar, worker_id=worker.pk, step="personal",
                                      data=data)
            services.worker_step_save(actor=registrar, worker_id=worker.pk, step="address",
                                      data={"district": worker.district,
                                            "block": rnd.choice(list(worker.district.blocks.all())),
                                            "address_line": f"Ward {n % 20 + 1}",
                                            "pincode": "492001"})
            services.worker_step_save(actor=registrar, worker_id=worker.pk, step="work", data={
                "category": category, "occupation": rnd.choice(occupations)})
            services.worker_step_save(actor=registrar, worker_id=worker.pk, step="bank", data={
                "bank_account_holder": data["name_latin"], "ifsc": "SBIN0001234",
                "account_number": f"3{n:011d}"})
            services.worker_step_save(actor=registrar, worker_id=worker.pk, step="family", data={
                "nominee_name": data["relative_name"], "nominee_relation": "father",
                "family": []})
            services.worker_photo_set(actor=registrar, worker_id=worker.pk, jpeg=demo_photo(n))
            if category == "boc":
                upload = io.BytesIO(b"%PDF-1.4\n% demo certificate\n%%EOF\n")
                upload.name = "certificate.pdf"
                services.worker_document_add(actor=registrar, worker_id=worker.pk,
                                             kind="work_certificate", upload=upload,
                                             content_type="application/pdf")
            if n % 10 == 9:
                made += 1
                continue  # left as a draft
            services.worker_submit(actor=registrar, worker_id=worker.pk)
            if n % 3 == 0 and district == raipur:
                made += 1
                continue  # waiting in the queue
            approver = officer if district == raipur else User.objects.get(
                username="officer.bilaspur")
            if n % 17 == 0:
                services.worker_send_back(actor=approver, worker_id=worker.pk,
                                          reason="Photo is not clear; please upload again.")
            elif n % 23 == 0:
                services.worker_reject(actor=approver, worker_id=worker.pk,
                                       reason="Not a worker: runs a shop with employees.")
            elif n % 2 == 0 or district == bilaspur:
                services.worker_approve(actor=approver, worker_id=worker.pk)
            made += 1
        self.stdout.write(f"Registrations: {made} demo workers, 1 camp, 2 district targets")

    def _fast(self, count: int) -> None:
        from registration.bulkdata import workers_generate

        officer = User.objects.get(username="officer.raipur")
        districts = list(District.objects.filter(state__code=settings.PORTAL_STATE_CODE)
                         .values_list("pk", "code"))
        start = (Worker.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
        seconds = workers_generate(
            count=count, start=start, registered_by_id=officer.pk, districts=districts,
            state_code=settings.PORTAL_STATE_CODE,
            occupation_id=Occupation.objects.first().pk,
            progress=lambda done, total: self.stdout.write(f"  {done:,}/{total:,}"))
        self.stdout.write(f"Generated {count:,} synthetic workers in {seconds:.0f} s")

    def _demo_worker_profile(self, officer, raipur):
        """Give the demo worker login an approved registration with a card."""
        from core.management.commands.seed_demo import DEMO_WORKER_MOBILE

        login = User.objects.filter(mobile=DEMO_WORKER_MOBILE).first()
        if login is None or Worker.objects.filter(owner=login).exists():
            return
        worker = services.worker_draft_create(actor=login, channel="self",
                                              mobile=DEMO_WORKER_MOBILE, district=None)
        steps = {
            "personal": {"name": "सुनीता बाई", "name_latin": "Sunita Bai",
                         "relative_name": "रमेश साहू", "relative_relation": "husband",
                         "date_of_birth": date(1991, 8, 15), "gender": "female",
                         "mobile": DEMO_WORKER_MOBILE, "aadhaar": demo_aadhaar(99999)},
            "address": {"district": raipur, "block": raipur.blocks.first(),
                        "address_line": "Ward 7, Gandhi Chowk", "pincode": "492001"},
            "work": {"category": "boc", "occupation": Occupation.objects.get(code="7112")},
            "bank": {"bank_account_holder": "Sunita Bai", "ifsc": "SBIN0001234",
                     "account_number": "123456789012"},
            "family": {"nominee_name": "रमेश साहू", "nominee_relation": "husband",
                       "family": [{"name": "राधा", "relation": "daughter",
                                   "date_of_birth": date(2015, 6, 1), "gender": "female"}]},
        }
        for step, data in steps.items():
            services.worker_step_save(actor=login, worker_id=worker.pk, step=step, data=data)
        services.worker_photo_set(actor=login, worker_id=worker.pk, jpeg=demo_photo(1))
        upload = io.BytesIO(b"%PDF-1.4\n% demo certificate\n%%EOF\n")
        upload.name = "certificate.pdf"
        services.worker_document_add(actor=login, worker_id=worker.pk, kind="work_certificate",
                                     upload=upload, content_type="application/pdf")
        services.worker_submit(actor=login, worker_id=worker.pk)
        services.worker_approve(actor=officer, worker_id=worker.pk)
