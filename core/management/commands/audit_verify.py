"""Check that the audit trail is complete and unaltered (exit status 1 if not)."""

from django.core.management.base import BaseCommand, CommandError

from core.audit_chain import audit_seal, audit_verify


class Command(BaseCommand):
    help = "Seal new audit rows, then verify every seal and row hash of the audit trail."

    def add_arguments(self, parser):
        parser.add_argument("--no-seal", action="store_true",
                            help="verify only (do not seal new rows first)")

    def handle(self, *args, no_seal=False, **options):
        if not no_seal:
            self.stdout.write(f"Sealed {audit_seal()} new audit rows.")
        result = audit_verify()
        self.stdout.write(f"Checked {result.checked} sealed rows; head {result.head_hash[:16]}…")
        if result.unsealed_overdue:
            self.stdout.write(f"{result.unsealed_overdue} rows are unsealed past the grace time.")
        if result.first_broken:
            broken = result.first_broken
            raise CommandError(
                f"Audit trail BROKEN at seal {broken['seal_id']}: {broken['source']} "
                f"row {broken['source_id']}: {broken['reason']}")
        if not result.is_intact:
            raise CommandError("Audit trail has rows left unsealed past the grace time.")
        self.stdout.write(self.style.SUCCESS("Audit trail intact."))
