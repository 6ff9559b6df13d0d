"""The payment gateway for cess and fees (one backend module; DECISIONS: simulated here).

``challan_pay`` returns the gateway's challan reference of a successful payment. The
development backend simulates a successful payment; production needs a real gateway
(COMPLIANCE_GATEWAY_SIMULATOR is refused there).
"""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone


def challan_pay(*, amount: Decimal, payer: str, purpose: str) -> str:
    """Take a payment and return its challan reference."""
    if not settings.COMPLIANCE_GATEWAY_SIMULATOR:
        raise ImproperlyConfigured("No payment gateway is configured "
                                   "(COMPLIANCE_GATEWAY_SIMULATOR is off).")
    return f"SIM{timezone.localdate():%Y%m%d}{secrets.token_hex(5).upper()}"
