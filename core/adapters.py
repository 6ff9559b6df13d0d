"""allauth adapter: sign-up gives the employer role; lockout is per (account, IP)."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.stages import EmailVerificationStage
from allauth.mfa.adapter import DefaultMFAAdapter
from django.db import transaction

from core.audit import client_ip
from core.crypto import decrypt_text, encrypt_text
from core.roles import RoleCode


class AccountAdapter(DefaultAccountAdapter):
    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        # Lock out per (account, client IP): district offices and camps share one
        # address, and an attacker elsewhere must not be able to lock a victim out.
        login = credentials.get("email", credentials.get("username", "")).lower()
        return f"{login}@{client_ip(request) or '-'}"

    def get_login_stages(self):
        stages = super().get_login_stages()
        return ["core.adapters.PortalEmailVerificationStage"
                if stage == "allauth.account.stages.EmailVerificationStage" else stage
                for stage in stages]

    @transaction.atomic
    def save_user(self, request, user, form, commit=True):
        """Save a self-signed-up user: only employers sign up with email and password."""
        from core.services import user_role_grant

        user = super().save_user(request, user, form, commit=commit)
        if commit:
            user_role_grant(actor=None, user=user, role=RoleCode.EMPLOYER)
        return user


class MFAAdapter(DefaultMFAAdapter):
    """Keep second-factor secrets encrypted with the field-encryption keys."""

    def encrypt(self, text: str) -> str:
        return encrypt_text(text)

    def decrypt(self, encrypted_text: str) -> str:
        return decrypt_text(encrypted_text)


class PortalEmailVerificationStage(EmailVerificationStage):
    """Ask only self-signed-up accounts (employers) to verify their email.

    Staff and operator accounts are made by an administrator, so their email is
    not self-asserted; workers log in by mobile and never reach this stage.
    """

    def handle(self):
        user = self.login.user
        if user is not None and user.pk and user.role_codes \
                and not user.has_role(RoleCode.EMPLOYER):
            return None, True
        return super().handle()
