"""Rate limits for the portal's own actions (OTP send/verify), on allauth's limiter.

Rates are set in ``settings.OTP_RATE_LIMITS`` in allauth's syntax, e.g.
``"3/10m/key,30/m/ip,600/m"``: per key (a mobile number), per client IP
(read behind the trusted proxy header) and across the whole portal.
"""

from django.conf import settings


def rate_limit_consume(request, *, action: str, key: str) -> bool:
    """Use up one unit of ``action`` for ``key``; return False when a limit is hit."""
    from allauth.core.internal import ratelimit

    usage = ratelimit.consume(
        request, app="core", action=action, key=key,
        config=settings.OTP_RATE_LIMITS, limit_get=True,
    )
    return usage is not None
