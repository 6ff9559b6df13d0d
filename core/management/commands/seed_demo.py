"""Create demo data: geography, one login per role, synthetic villages and workers.

Idempotent: running it again changes nothing that exists. Development only:
it prints passwords and second-factor secrets, so it refuses to run when DEBUG
is off. Later apps add their records here.
"""

from __future__ import annotations

import base64
import hashlib
import time

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from core.management.commands.load_geography import geography_load
from core.models import Block, District, User, UserRole, Village
from core.roles import RoleCode as R
from core.services import user_district_grant, user_role_grant

DEMO_STATE_CODE = "CG"
DEMO_WORKER_MOBILE = "9000000001"
SYNTHETIC_VILLAGE_BASE = 50_000_000
SYNTHETIC_WORKER_MOBILE_BASE = 7_000_000_000

# username, role, districts (jurisdiction), home district, operator id, email
DEMO_USERS = [
    ("stateadmin", R.STATE_ADMIN, [], None, None, "stateadmin@shram.example"),
    ("distadmin.raipur", R.DISTRICT_ADMIN, ["Raipur"], "Raipur", None, None),
    ("officer.raipur", R.LABOUR_OFFICER, ["Raipur"], "Raipur", None, None),
    ("officer.bilaspur", R.LABOUR_OFFICER, ["Bilaspur"], "Bilaspur", None, None),
    ("inspector.raipur", R.SAFETY_INSPECTOR, ["Raipur"], "Raipur", None, None),
    ("surveyor.raipur", R.SURVEYOR, ["Raipur"], "Raipur", None, None),
    ("csc.raipur", R.CSC_OPERATOR, [], "Raipur", "CSC-RPR-0001", None),
    ("csc.bilaspur", R.CSC_OPERATOR, [], "Bilaspur", "CSC-BSP-0001", None),
    ("helpline", R.HELPLINE_AGENT, [], None, None, None),
    ("maker", R.ACCOUNTS_MAKER, [], None, None, None),
    ("checker", R.ACCOUNTS_CHECKER, [], None, None, None),
    ("employer", R.EMPLOYER, [], None, None, "employer@shram.example"),
]


def demo_totp_secret(username: str) -> str:
    """Return the demo second-factor secret of a demo account (development only)."""
    digest = hashlib.sha256(f"shram-demo-totp:{username}".encode()).digest()
    return base64.b32encode(digest[:20]).decode()


class Command(BaseCommand):
    help = "Create demo data and print the demo logins (development only)."

    def add_arguments(self, parser):
        parser.add_argument("--workers", type=int, default=10_000,
                            help="number of synthetic worker logins (default 10000)")
        parser.add_argument("--villages-per-block", type=int, default=5)
        parser.add_argument("--password", default=None,
                            help="password of the demo accounts (default: DEMO_PASSWORD)")
        parser.add_argument("--quiet-logins", action="store_true",
                            help="do not print the list of logins")

    def handle(self, *args, workers, villages_per_block, password, quiet_logins, **options):
        if not settings.DEBUG:
            raise CommandError("seed_demo prints passwords and is for development only; "
                               "it refuses to run with DEBUG off.")
        password = password or settings.DEMO_PASSWORD
        if not password:
            raise CommandError("Give --password or set DEMO_PASSWORD.")
        started = time.monotonic()
        counts = geography_load()
        self.stdout.write(f"Geography: {counts['states']} states/UTs, "
                          f"{counts['districts']} districts, {counts['blocks']} blocks")
        self.stdout.write(f"Villages: {self._villages(villages_per_block)} synthetic added")
        self._users(password)
        added = self._workers(workers)
        self.stdout.write(f"Worker logins: {added} synthetic added "
                          f"({time.monotonic() - started:.1f} s in all)")
        if not quiet_logins:
            self._print_logins(password)

    @transaction.atomic
    def _villages(self, per_block: int) -> int:
        existing = set(Village.objects.filter(is_synthetic=True).values_list("lgd_code", flat=True))
        new = []
        blocks = Block.objects.filter(district__state__code=DEMO_STATE_CODE,
                                      kind=Block.Kind.BLOCK).order_by("lgd_code")
        for block in blocks:
            for n in range(1, per_block + 1):
                code = SYNTHETIC_VILLAGE_BASE + block.lgd_code % 1_000_000 * 100 + n
                if code in existing:
                    continue
                new.append(Village(block=block, lgd_code=code, is_synthetic=True,
                                   name_en=f"{block.name_en} Gram {n}",
                                   name_hi=f"{block.name_hi} ग्राम {n}"))
        Village.objects.bulk_create(new, batch_size=2000)
        return len(new)

    @transaction.atomic
    def _users(self, password: str) -> None:
        districts = {d.name_en: d for d in District.objects.filter(state__code=DEMO_STATE_CODE)}
        for username, role, jurisdiction, home, operator_id, email in DEMO_USERS:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={"first_name": username.split(".")[0].title(),
                          "home_district": districts.get(home) if home else None,
                          "operator_id": operator_id, "email": email or ""},
            )
            if created:
                user.set_password(password)
                user.save(update_fields=["password"])
            user_role_grant(actor=None, user=user, role=role)
            for name in jurisdiction:
                user_district_grant(actor=None, user=user, district=districts[name])
            if email:
                EmailAddress.objects.get_or_create(
                    user=user, email=email, defaults={"verified": True, "primary": True})
            if role not in (R.EMPLOYER, R.WORKER) and not Authenticator.objects.filter(
                    user=user, type=Authenticator.Type.TOTP).exists():
                from allauth.mfa.totp.internal.auth import TOTP

                TOTP.activate(user, demo_totp_secret(username))
        worker, created = User.objects.get_or_create(
            mobile=DEMO_WORKER_MOBILE,
            defaults={"username": f"m{DEMO_WORKER_MOBILE}", "first_name": "Demo worker"})
        if created:
            worker.set_unusable_password()
            worker.save(update_fields=["password"])
        user_role_grant(actor=None, user=worker, role=R.WORKER)

    @transaction.atomic
    def _workers(self, count: int) -> int:
        mobiles = [str(SYNTHETIC_WORKER_MOBILE_BASE + n) for n in range(1, count + 1)]
        existing = set(User.objects.filter(mobile__in=mobiles).values_list("mobile", flat=True))
        unusable = make_password(None)
        new = [User(username=f"m{mobile}", mobile=mobile, password=unusable,
                    first_name="Synthetic worker")
               for mobile in mobiles if mobile not in existing]
        created = User.objects.bulk_create(new, batch_size=5000)
        UserRole.objects.bulk_create(
            [UserRole(user=user, role_id=R.WORKER) for user in created], batch_size=5000)
        return len(created)

    def _print_logins(self, password: str) -> None:
        out = self.stdout.write
        out("")
        out("Demo logins (development only) — open http://127.0.0.1:8000/")
        out(f"  Password of every staff/employer account: {password}")
        out("  Staff accounts ask for a second-factor code: add the secret below to an")
        out("  authenticator app, or print the current code with")
        out("  `make demo-code USER=<username>`.")
        out("")
        out(f"  {'username':<20} {'role':<30} {'second-factor secret'}")
        for username, role, *_rest in DEMO_USERS:
            secret = "" if role == R.EMPLOYER else demo_totp_secret(username)
            out(f"  {username:<20} {str(role.label):<30} {secret}")
        out(f"  {'worker':<20} {str(R.WORKER.label):<30} log in with mobile "
            f"{DEMO_WORKER_MOBILE}; the code is shown on the page in development")
        out("")
