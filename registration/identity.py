"""Aadhaar numbers: the keyed hash, the vault and the masked form.

The clear number exists only in memory while a request or an import row is
handled; the database keeps it encrypted in ``AadhaarVault`` and everywhere else
as the keyed hash (HMAC-SHA256 with ``AADHAAR_HASH_KEY``) or the last four digits.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings

from core.crypto import encrypt_text
from registration.models import AadhaarVault


def aadhaar_hash(number: str) -> str:
    """Return the keyed hash of a 12-digit Aadhaar number (for uniqueness and look-up)."""
    key = settings.AADHAAR_HASH_KEY.encode()
    return hmac.new(key, number.encode(), hashlib.sha256).hexdigest()


def aadhaar_mask(last4: str) -> str:
    """Return the only form of an Aadhaar number a screen may show."""
    return f"XXXX-XXXX-{last4}" if last4 else ""


def aadhaar_vault_store(*, number: str) -> str:
    """Keep ``number`` encrypted in the vault (once) and return its keyed hash."""
    digest = aadhaar_hash(number)
    AadhaarVault.objects.get_or_create(hash=digest,
                                       defaults={"ciphertext": encrypt_text(number)})
    return digest
