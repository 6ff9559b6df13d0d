"""The audit store is append-only and hash-chained: tampering is detected and named."""

import gzip
import hashlib
import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DataError, connection, transaction
from django.db.utils import InternalError, ProgrammingError
from django.urls import reverse
from django.utils import timezone

from core.audit import audit_event_record
from core.audit_chain import audit_archive, audit_seal, audit_sources, audit_verify
from core.audit_schema import TRIGGER_NAME
from core.models import AuditArchive, AuditEvent, AuditSeal, District
from tests.core.factories import DistrictFactory

pytestmark = pytest.mark.django_db

REFUSED = (InternalError, ProgrammingError)


def superuser_sql(sql, params=()):
    """Change rows the way a database superuser could: with triggers switched off."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, params)


def test_update_of_an_audit_event_is_refused():
    event = AuditEvent.objects.create(action="login", summary="original")
    with pytest.raises(REFUSED, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(summary="changed")
    event.refresh_from_db()
    assert event.summary == "original"


def test_delete_of_row_history_is_refused(district_a):
    with pytest.raises(REFUSED, match="append-only"), transaction.atomic(), \
            connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_districtevent")
    assert District.objects.filter(pk=district_a.pk).exists()


def test_every_audit_table_has_the_append_only_trigger():
    with connection.cursor() as cursor:
        cursor.execute("SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                       "WHERE t.tgname = %s", [TRIGGER_NAME])
        protected = {row[0] for row in cursor.fetchall()}
    tables = {model._meta.db_table for model in audit_sources()} | {"core_auditseal"}
    assert tables - protected == set()


def test_a_sealed_trail_verifies_intact_and_sealing_twice_adds_nothing(personas):
    assert audit_seal() > 0
    assert audit_seal() == 0
    result = audit_verify()
    assert result.is_intact and result.checked == AuditSeal.objects.count()


def test_an_edited_event_is_detected_and_the_first_broken_one_named(personas):
    first = AuditEvent.objects.create(action="login", summary="first")
    target = AuditEvent.objects.create(action="export", summary="exported 10 rows")
    AuditEvent.objects.create(action="login", summary="later")
    audit_seal()
    superuser_sql("UPDATE core_auditevent SET summary = 'exported 1 row' WHERE id = %s",
                  [target.pk])
    result = audit_verify()
    assert not result.is_intact
    assert result.first_broken["source"] == "core.AuditEvent"
    assert result.first_broken["source_id"] == target.pk
    assert "changed" in result.first_broken["reason"]
    assert first.pk != target.pk


def test_a_deleted_history_row_is_detected(district_a):
    District.objects.filter(pk=district_a.pk).update(name_en="Renamed")
    audit_seal()
    superuser_sql("DELETE FROM core_districtevent WHERE pgh_label = 'update'")
    result = audit_verify()
    assert result.first_broken["source"] == "core.DistrictEvent"
    assert result.first_broken["reason"] == "audit row missing"


def test_a_removed_seal_breaks_the_chain_at_the_next_one(personas):
    audit_seal()
    seals = list(AuditSeal.objects.order_by("id")[:3])
    superuser_sql("DELETE FROM core_auditseal WHERE id = %s", [seals[1].pk])
    result = audit_verify()
    assert result.first_broken["seal_id"] == seals[2].pk
    assert "chain broken" in result.first_broken["reason"]


def test_a_changed_user_in_the_request_context_is_detected(client, login, personas):
    login(personas["state_admin"])
    client.post(reverse("core:language_set"), {"language": "hi", "next": "/"})
    audit_seal()
    superuser_sql("UPDATE pghistory_context SET metadata = jsonb_set(metadata, '{user}', "
                  "to_jsonb(%s::int))", [personas["officer_a"].pk])
    assert not audit_verify().is_intact


def test_rows_left_unsealed_past_the_grace_time_are_flagged(settings):
    AuditEvent.objects.create(action="login", occurred_at=timezone.now() - timedelta(hours=1))
    result = audit_verify()
    assert result.unsealed_overdue == 1 and not result.is_intact


def test_audit_verify_command_fails_loudly_on_tampering(personas):
    event = AuditEvent.objects.create(action="login", summary="x")
    call_command("audit_verify", stdout=io.StringIO())
    superuser_sql("UPDATE core_auditevent SET actor_label = 'someone else' WHERE id = %s",
                  [event.pk])
    with pytest.raises(CommandError, match=f"core.AuditEvent row {event.pk}"):
        call_command("audit_verify", stdout=io.StringIO())


def test_an_action_fails_with_its_audit_event(district_a):
    with pytest.raises(DataError), transaction.atomic():
        DistrictFactory(name_en="Never saved")
        # PostgreSQL refuses a NUL character in JSON: the audit write fails for real.
        audit_event_record(action="admin", summary="x", detail={"note": "\x00"})
    assert not District.objects.filter(name_en="Never saved").exists()


def test_archive_moves_old_rows_to_a_hashed_file_and_the_chain_still_verifies(tmp_path):
    old = timezone.now() - timedelta(days=400)
    for n in range(5):
        AuditEvent.objects.create(action="login", summary=f"old {n}", occurred_at=old)
    audit_seal()
    AuditEvent.objects.create(action="login", summary="recent")
    archive = audit_archive(before=timezone.now() - timedelta(days=365),
                            actor_label="test", directory=tmp_path)
    assert archive.rows == 5
    data = (tmp_path / archive.path.rsplit("/", 1)[-1]).read_bytes()
    assert hashlib.sha256(data).hexdigest() == archive.sha256
    assert gzip.decompress(data).decode().count("\n") == 5
    assert not AuditEvent.objects.filter(summary__startswith="old").exists()
    audit_seal()
    assert audit_verify().is_intact
    assert AuditArchive.objects.count() == 1


def test_archive_leaves_recent_rows_alone(tmp_path):
    AuditEvent.objects.create(action="login", summary="recent")
    audit_seal()
    assert audit_archive(before=timezone.now() - timedelta(days=365), actor_label="t",
                         directory=tmp_path) is None
    assert AuditEvent.objects.filter(summary="recent").exists()


def test_archive_command_refuses_a_retention_shorter_than_the_rules(settings, tmp_path):
    AuditEvent.objects.create(action="login", occurred_at=timezone.now() - timedelta(days=40))
    err = io.StringIO()
    call_command("audit_archive", days=30, directory=tmp_path, stdout=io.StringIO(),
                 stderr=err)
    assert "Refusing" in err.getvalue()
    assert AuditEvent.objects.exists()


def test_state_admin_page_shows_the_last_check(client, login, personas):
    audit_seal()
    audit_verify()
    login(personas["state_admin"])
    page = client.get(reverse("core:home")).content.decode()
    assert "Intact:" in page


def test_no_password_or_otp_in_any_audit_row(client, personas):
    from django.test import TestCase

    from tests.conftest import PASSWORD

    client.post(reverse("account_login"), {"login": "officer.a", "password": PASSWORD})
    client.post(reverse("account_login"), {"login": "officer.a", "password": "Wrong-Pass-99"})
    import re

    from django.test import Client

    from core.sms import CapturingSMSBackend

    with TestCase.captureOnCommitCallbacks(execute=True):
        Client().post(reverse("core:worker_login"), {"mobile": "9876543210"})
    code = re.search(r"\b(\d{6})\b", CapturingSMSBackend.outbox[-1].text).group(1)
    audit_seal()
    with connection.cursor() as cursor:
        for model in audit_sources():
            cursor.execute(f'SELECT row_to_json(t)::text FROM "{model._meta.db_table}" t')
            dump = " ".join(row[0] for row in cursor.fetchall())
            for secret in (PASSWORD, "Wrong-Pass-99", code):
                assert secret not in dump, (model, secret)


def test_seals_made_before_a_table_gains_a_column_still_verify(personas, monkeypatch):
    """A new field on a tracked model adds a history column; old seals keep their columns."""
    import core.audit_chain as chain

    current = chain._current_fields

    def as_before_the_column_existed(model):
        fields = current(model)
        return [f for f in fields if f != "operator_id"] if model._meta.label == \
            "core.UserEvent" else fields

    monkeypatch.setattr(chain, "_current_fields", as_before_the_column_existed)
    audit_seal()
    monkeypatch.setattr(chain, "_current_fields", current)
    personas["officer_a"].save()  # a new row, sealed with today's columns
    audit_seal()
    assert audit_verify().is_intact
