"""Field encryption with the keys from settings (MultiFernet: rotate by adding a key first)."""

from functools import lru_cache

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in keys])


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt_text(text: str) -> str:
    """Return ``text`` encrypted with the first field-encryption key."""
    return fernet().encrypt(text.encode()).decode()


def decrypt_text(token: str) -> str:
    """Return the clear text of ``token`` (any configured key may have made it)."""
    return fernet().decrypt(token.encode()).decode()
