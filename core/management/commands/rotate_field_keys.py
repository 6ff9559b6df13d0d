"""Re-encrypt every encrypted column with the first key of FIELD_ENCRYPTION_KEYS.

Rotation: put the new key first in FIELD_ENCRYPTION_KEYS (keep the old one after
it), restart, run this command, then remove the old key. Rows are done in chunks,
each chunk in its own transaction, so the command can be stopped and run again.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from core.audit import audit_event_record
from core.crypto import encrypted_fields, rotate_token
from core.models import AuditEvent

CHUNK = 1000


class Command(BaseCommand):
    help = ("Re-encrypt encrypted columns (Aadhaar vault, bank accounts, TOTP secrets) "
            "with the first key.")

    def handle(self, *args, **options):
        from allauth.mfa.models import Authenticator

        total = 0
        for model, field in encrypted_fields():
            done = self._rotate_column(model, field)
            self.stdout.write(f"{model._meta.label}.{field}: {done} re-encrypted")
            total += done
        done = 0
        for authenticator in Authenticator.objects.filter(type=Authenticator.Type.TOTP):
            with transaction.atomic():
                locked = Authenticator.objects.select_for_update().get(pk=authenticator.pk)
                locked.data["secret"] = rotate_token(locked.data["secret"])
                locked.save(update_fields=["data"])
                done += 1
        self.stdout.write(f"TOTP secrets: {done} re-encrypted")
        audit_event_record(action=AuditEvent.Action.ADMIN, actor_label="rotate_field_keys",
                           summary=f"field keys rotated: {total + done} values")

    def _rotate_column(self, model, field: str) -> int:
        done = 0
        ids = list(model.objects.exclude(**{field: ""}).order_by("pk")
                   .values_list("pk", flat=True))
        for start in range(0, len(ids), CHUNK):
            with transaction.atomic():
                rows = list(model.objects.select_for_update()
                            .filter(pk__in=ids[start:start + CHUNK]))
                for row in rows:
                    setattr(row, field, rotate_token(getattr(row, field)))
                model.objects.bulk_update(rows, [field])
                done += len(rows)
        return done
