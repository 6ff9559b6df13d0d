"""Validators for identifiers that many apps share, with messages a worker understands."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_MOBILE_PREFIX = re.compile(r"^(?:\+?91|0)")


def normalise_mobile(value: str) -> str:
    """Return a 10-digit Indian mobile number, or raise ``ValidationError``.

    Accepts spaces, dashes and a +91 / 91 / 0 prefix, as people write them.
    """
    digits = re.sub(r"[\s\-()]", "", value or "")
    if len(digits) > 10:
        digits = _MOBILE_PREFIX.sub("", digits)
    if not re.fullmatch(r"[6-9]\d{9}", digits):
        raise ValidationError(
            _("Enter a 10-digit Indian mobile number starting with 6, 7, 8 or 9."),
            code="invalid_mobile",
        )
    return digits
