"""Field encryption keys rotate: the new key first, re-encrypt, then drop the old key."""

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command

from core.crypto import decrypt_text, encrypt_text
from registration.models import AadhaarVault, Worker
from tests.registration.factories import WorkerFactory, valid_aadhaar

pytestmark = pytest.mark.django_db


def test_rotation_re_encrypts_the_vault_and_bank_accounts_so_the_old_key_can_go(
        settings, district_a):
    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    number = valid_aadhaar()
    worker = WorkerFactory(district=district_a, aadhaar=number,
                           bank_account_encrypted=encrypt_text("123456789012"))
    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    call_command("rotate_field_keys", stdout=open("/dev/null", "w"))
    settings.FIELD_ENCRYPTION_KEYS = [new_key]
    vault = AadhaarVault.objects.get(hash=worker.aadhaar_hash)
    assert decrypt_text(vault.ciphertext) == number
    assert decrypt_text(Worker.objects.get(pk=worker.pk).bank_account_encrypted) == \
        "123456789012"


def test_without_rotation_the_old_values_cannot_be_read_by_the_new_key_alone(
        settings, district_a):
    from cryptography.fernet import InvalidToken

    worker = WorkerFactory(district=district_a)
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    vault = AadhaarVault.objects.get(hash=worker.aadhaar_hash)
    with pytest.raises(InvalidToken):
        decrypt_text(vault.ciphertext)
