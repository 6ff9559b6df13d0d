"""Print the current second-factor code of a demo staff account (development only)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.management.commands.seed_demo import DEMO_USERS, demo_totp_secret


class Command(BaseCommand):
    help = "Print the current TOTP code of a demo staff account (DEBUG only)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        if not settings.DEBUG:
            raise CommandError("demo_code is for development only.")
        if username not in {name for name, *_rest in DEMO_USERS}:
            raise CommandError(f"{username} is not a demo account.")
        import time

        from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

        counter = int(time.time()) // 30
        self.stdout.write(format_hotp_value(hotp_value(demo_totp_secret(username), counter)))
