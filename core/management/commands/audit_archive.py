"""Archive audit rows older than the retention period to a hashed file."""

from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from core.audit_chain import audit_archive, audit_seal


class Command(BaseCommand):
    help = "Move audit rows older than AUDIT_RETENTION_DAYS to a gzip file, keeping its hash."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=settings.AUDIT_RETENTION_DAYS,
                            help="keep this many days online (default AUDIT_RETENTION_DAYS)")
        parser.add_argument("--directory", type=Path, default=Path(settings.AUDIT_ARCHIVE_DIR))

    def handle(self, *args, days, directory, **options):
        if days < settings.AUDIT_RETENTION_DAYS:
            self.stderr.write(f"Refusing: the rules keep audit rows {settings.AUDIT_RETENTION_DAYS}"
                              " days online at least.")
            return
        audit_seal()
        before = timezone.now() - timedelta(days=days)
        archive = audit_archive(before=before, actor_label="audit_archive command",
                                directory=directory)
        if archive is None:
            self.stdout.write("Nothing to archive.")
        else:
            self.stdout.write(f"Archived {archive.rows} rows to {archive.path} "
                              f"(sha256 {archive.sha256}).")
