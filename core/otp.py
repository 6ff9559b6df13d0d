"""One-time codes to a mobile number: for worker login and for a worker's consent.

A code is single-use, expires after ``OTP_TTL_SECONDS``, allows
``OTP_MAX_ATTEMPTS`` tries, and is bound to the challenge id kept in the
asking browser's session. Sending is limited per number, per IP and across
the portal (``OTP_RATE_LIMITS``). The clear code exists only in the SMS.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_event_record
from core.models import AuditEvent, OTPChallenge
from core.ratelimit import rate_limit_consume
from core.sms import mask_mobile, sms_send


def _code_hash(challenge_id, code: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"{challenge_id}:{code}".encode(), hashlib.sha256).hexdigest()


def otp_send(*, request, mobile: str, purpose: str, text: str | None = None) -> OTPChallenge:
    """Create a challenge for ``mobile`` and send its code by SMS.

    Raise ``ValidationError`` when a rate limit is reached.
    """
    if not (rate_limit_consume(request, action="otp_send", key=mobile)
            and rate_limit_consume(request, action="otp_send_global", key="portal")):
        raise ValidationError(
            _("Too many codes were asked for. Please wait a few minutes and try again."),
            code="rate_limited",
        )
    code = f"{secrets.randbelow(10**6):06d}"
    with transaction.atomic():
        now = timezone.now()
        challenge = OTPChallenge(
            mobile=mobile, purpose=purpose, created_at=now,
            expires_at=now + timedelta(seconds=settings.OTP_TTL_SECONDS),
        )
        challenge.code_hash = _code_hash(challenge.id, code)
        challenge.save()
        audit_event_record(
            action=AuditEvent.Action.OTP_SENT, request=request,
            actor_label=mask_mobile(mobile), obj=challenge,
            summary=f"{purpose} code sent to {mask_mobile(mobile)}",
        )
        message = (text or _("Your Shram Portal code is {code}. It is valid for 10 minutes. "
                             "Do not share it.")).format(code=code)
        transaction.on_commit(lambda: sms_send(mobile=mobile, text=message))
    if settings.DEBUG:
        # Development only: lets a demo user log in without a phone.
        request.session["dev_last_otp"] = code
    return challenge


def otp_verify(*, request, challenge_id, code: str, purpose: str) -> OTPChallenge:
    """Check ``code`` against the challenge and use it up; return the challenge.

    Raise ``ValidationError`` with a message a worker understands otherwise.
    """
    if not rate_limit_consume(request, action="otp_verify", key=str(challenge_id)):
        raise ValidationError(_("Too many tries. Please wait a minute."), code="rate_limited")
    wrong = ValidationError(
        _("That code is not right, or it has expired. Check the SMS or ask for a new code."),
        code="invalid",
    )
    with transaction.atomic():
        challenge = (
            OTPChallenge.objects.select_for_update()
            .filter(pk=challenge_id, purpose=purpose).first()
        )
        if challenge is None or challenge.used_at is not None:
            raise wrong
        if challenge.expires_at <= timezone.now():
            raise wrong
        if challenge.attempts >= settings.OTP_MAX_ATTEMPTS:
            raise ValidationError(
                _("Too many wrong codes. Please ask for a new code."), code="locked"
            )
        if not hmac.compare_digest(challenge.code_hash,
                                   _code_hash(challenge.id, (code or "").strip())):
            challenge.attempts += 1
            challenge.save(update_fields=["attempts"])
            audit_event_record(
                action=AuditEvent.Action.OTP_FAILED, request=request,
                actor_label=mask_mobile(challenge.mobile), obj=challenge,
                summary="wrong one-time code",
            )
            # Raised after the block commits, so the failed attempt is counted.
            raise_after = wrong
        else:
            challenge.used_at = timezone.now()
            challenge.save(update_fields=["used_at"])
            raise_after = None
    if raise_after is not None:
        raise raise_after
    return challenge
