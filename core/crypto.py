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


# Columns holding text made by encrypt_text, registered by the apps that own them
# (``encrypted_field_register`` in their AppConfig.ready), for key rotation.
_encrypted_fields: list[tuple[type, str]] = []


def encrypted_field_register(model, field: str) -> None:
    """Register a column of ``model`` that holds encrypt_text output."""
    if (model, field) not in _encrypted_fields:
        _encrypted_fields.append((model, field))


def encrypted_fields() -> list[tuple[type, str]]:
    return list(_encrypted_fields)


def rotate_token(token: str) -> str:
    """Return ``token`` re-encrypted with the first key (any configured key may have made it)."""
    return fernet().rotate(token.encode()).decode()
