"""SMS backends. Which one is used is a setting (SMS_BACKEND); a real gateway is
one more class here. Texts may carry a one-time code but never an Aadhaar number."""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SMS:
    mobile: str
    text: str


def mask_mobile(mobile: str) -> str:
    """Return a mobile number with all but the last 4 digits hidden."""
    return "XXXXXX" + mobile[-4:] if mobile else ""


class BaseSMSBackend:
    def send(self, message: SMS) -> None:
        raise NotImplementedError


class ConsoleSMSBackend(BaseSMSBackend):
    """Development: print the message (with its code) on the server's console."""

    def send(self, message: SMS) -> None:
        print(f"[SMS to {message.mobile}] {message.text}", file=sys.stdout, flush=True)


class LogSMSBackend(BaseSMSBackend):
    """Staging: log that a message went out, without its text."""

    def send(self, message: SMS) -> None:
        logger.info("SMS to %s (%d characters)", mask_mobile(message.mobile), len(message.text))


class CapturingSMSBackend(BaseSMSBackend):
    """Tests: keep every message in ``outbox``."""

    outbox: list[SMS] = []

    def send(self, message: SMS) -> None:
        CapturingSMSBackend.outbox.append(message)


def get_sms_backend() -> BaseSMSBackend:
    return import_string(settings.SMS_BACKEND)()


def sms_send(*, mobile: str, text: str) -> None:
    """Send one SMS through the configured backend."""
    get_sms_backend().send(SMS(mobile=mobile, text=text))
