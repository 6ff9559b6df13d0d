"""Tamper evidence for the audit store: seal, verify and archive.

The audit store is ``core.AuditEvent`` plus every django-pghistory event table
(row history). Rows are append-only (a trigger refuses UPDATE and DELETE; see
``core.audit_schema``). A beat job seals new rows in id order: each seal holds
the row's content hash and an HMAC chained to the seal before it, keyed by
``AUDIT_CHAIN_KEY`` (from settings, never in the database). ``audit_verify``
recomputes every hash: an edited row, a deleted row or a deleted seal breaks
the chain at a named place, and rows left unsealed too long are flagged.
"""

from __future__ import annotations

import gzip
import hashlib
import hmac
import json
from datetime import datetime, timedelta
from pathlib import Path

import pghistory.models
from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, Model, OuterRef
from django.utils import timezone

from core.models import (
    AuditArchive,
    AuditEvent,
    AuditSeal,
    AuditSealSchema,
    AuditVerification,
)

GENESIS = "0" * 64
# pg_advisory_xact_lock key: one sealer or archiver at a time (two would fork the chain).
SEAL_LOCK_KEY = 4_242_001


def audit_sources() -> list[type[Model]]:
    """Return every audit table's model: the audit events and all row-history tables."""
    events = [model for model in apps.get_models()
              if issubclass(model, pghistory.models.Event) and not model._meta.proxy
              and model._meta.managed]
    return [AuditEvent, *sorted(events, key=lambda m: m._meta.label)]


def _time_field(model: type[Model]) -> str:
    return "occurred_at" if model is AuditEvent else "pgh_created_at"


def _current_fields(model: type[Model]) -> list[str]:
    """Return the columns hashed for a table's rows: its fields and the request context."""
    fields = [field.attname for field in model._meta.concrete_fields]
    if "pgh_context_id" in fields:
        fields.append("pgh_context__metadata")
    return fields


def _row_values(model: type[Model], ids, fields: list[str] | None = None) -> dict[int, dict]:
    """Return the stored content of audit rows (``fields`` as they were when sealed)."""
    fields = fields or _current_fields(model)
    rows = model._default_manager.filter(pk__in=list(ids)).values(*fields)
    return {row[model._meta.pk.attname]: row for row in rows}


def row_values_for_seal(seal: AuditSeal) -> dict:
    """Return the row a seal covers, read with the columns it was sealed with."""
    model = apps.get_model(seal.source)
    return _row_values(model, [seal.source_id], seal.schema.fields).get(seal.source_id) or {}


def content_hash(row: dict) -> str:
    """Return the SHA-256 of a row's canonical JSON form."""
    canonical = json.dumps(row, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def chain_hash(previous: str, source: str, source_id: int, digest: str) -> str:
    """Return the keyed link of one seal to the one before it."""
    message = f"{previous}|{source}|{source_id}|{digest}".encode()
    return hmac.new(settings.AUDIT_CHAIN_KEY.encode(), message, hashlib.sha256).hexdigest()


def _chain_start() -> tuple[int, str]:
    """Return (last archived seal id, its chain hash): where the live chain begins."""
    archive = AuditArchive.objects.exclude(last_seal_id=None).order_by("-last_seal_id").first()
    if archive is None:
        return 0, GENESIS
    return archive.last_seal_id, archive.last_chain_hash


def _lock() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SEAL_LOCK_KEY])


def audit_seal(*, batch: int = 5000) -> int:
    """Seal audit rows not sealed yet, in id order per table; return how many."""
    sealed = 0
    with transaction.atomic():
        _lock()
        last = AuditSeal.objects.order_by("-id").only("chain_hash").first()
        previous = last.chain_hash if last else _chain_start()[1]
        for model in audit_sources():
            label = model._meta.label
            done = AuditSeal.objects.filter(source=label, source_id=OuterRef("pk"))
            ids = list(model._default_manager.filter(~Exists(done)).order_by("pk")
                       .values_list("pk", flat=True)[:batch])
            if not ids:
                continue
            fields = _current_fields(model)
            schema, _created = AuditSealSchema.objects.get_or_create(source=label,
                                                                    fields=fields)
            rows = _row_values(model, ids, fields)
            seals = []
            for source_id in ids:
                digest = content_hash(rows[source_id])
                previous = chain_hash(previous, label, source_id, digest)
                seals.append(AuditSeal(source=label, source_id=source_id, schema=schema,
                                       content_hash=digest, chain_hash=previous))
            AuditSeal.objects.bulk_create(seals, batch_size=1000)
            sealed += len(seals)
    return sealed


def audit_verify(*, chunk: int = 2000) -> AuditVerification:
    """Recompute every seal and row hash; record and return the result.

    The first break is named: its seal id, table, row id and reason (row changed,
    row missing, chain broken). Unsealed rows older than ``AUDIT_SEAL_GRACE`` are
    counted, since rows that are never sealed could be removed unnoticed.
    """
    start_id, previous = _chain_start()
    schemas = {schema.pk: schema for schema in AuditSealSchema.objects.all()}
    checked = 0
    first_broken: dict = {}
    seals = AuditSeal.objects.filter(id__gt=start_id).order_by("id")
    batch: list[AuditSeal] = []

    def check(batch_seals: list[AuditSeal]) -> None:
        nonlocal previous, checked, first_broken
        by_schema: dict[int, list[int]] = {}
        for seal in batch_seals:
            by_schema.setdefault(seal.schema_id, []).append(seal.source_id)
        rows: dict[int, dict] = {}
        for schema_id, ids in by_schema.items():
            schema = schemas[schema_id]
            rows[schema_id] = _row_values(apps.get_model(schema.source), ids, schema.fields)
        for seal in batch_seals:
            checked += 1
            if first_broken:
                continue
            row = rows[seal.schema_id].get(seal.source_id)
            reason = None
            if chain_hash(previous, seal.source, seal.source_id,
                          seal.content_hash) != seal.chain_hash:
                reason = "chain broken (a seal was changed or removed before this one)"
            elif row is None:
                reason = "audit row missing"
            elif content_hash(row) != seal.content_hash:
                reason = "audit row changed after it was sealed"
            if reason:
                first_broken = {"seal_id": seal.pk, "source": seal.source,
                                "source_id": seal.source_id, "reason": reason}
            previous = seal.chain_hash

    for seal in seals.iterator(chunk_size=chunk):
        batch.append(seal)
        if len(batch) >= chunk:
            check(batch)
            batch = []
    if batch:
        check(batch)

    grace = timezone.now() - timedelta(seconds=settings.AUDIT_SEAL_GRACE_SECONDS)
    overdue = 0
    for model in audit_sources():
        done = AuditSeal.objects.filter(source=model._meta.label, source_id=OuterRef("pk"))
        overdue += model._default_manager.filter(
            ~Exists(done), **{f"{_time_field(model)}__lt": grace}).count()
    return AuditVerification.objects.create(
        is_intact=not first_broken and not overdue, checked=checked,
        unsealed_overdue=overdue, first_broken=first_broken, head_hash=previous,
    )


def audit_archive(*, before: datetime, actor_label: str, directory: Path) -> AuditArchive | None:
    """Move sealed audit rows older than ``before`` to a gzip file; keep its hash.

    Only a prefix of the chain is archived (up to the first seal whose row is not
    older than ``before``), so the live chain still verifies from the archive's
    last hash. The file is written and hashed before anything is deleted, and the
    deletion is allowed only inside this transaction (``portal.audit_archive``).
    """
    directory.mkdir(parents=True, exist_ok=True)
    with transaction.atomic():
        _lock()
        start_id, _previous = _chain_start()
        schemas = {schema.pk: schema for schema in AuditSealSchema.objects.all()}
        prefix: list[AuditSeal] = []
        rows_by_seal: dict[int, dict] = {}
        for seal in AuditSeal.objects.filter(id__gt=start_id).order_by("id").iterator(
                chunk_size=2000):
            model = apps.get_model(seal.source)
            row = _row_values(model, [seal.source_id],
                              schemas[seal.schema_id].fields).get(seal.source_id)
            when = row and row[_time_field(model)]
            if row is None or when >= before:
                break
            prefix.append(seal)
            rows_by_seal[seal.pk] = row
        if not prefix:
            return None
        path = directory / f"audit-{timezone.now():%Y%m%d-%H%M%S}-{prefix[-1].pk}.jsonl.gz"
        with gzip.open(path, "wt", encoding="utf-8") as handle:
            for seal in prefix:
                handle.write(json.dumps({
                    "seal_id": seal.pk, "source": seal.source, "source_id": seal.source_id,
                    "content_hash": seal.content_hash, "chain_hash": seal.chain_hash,
                    "row": rows_by_seal[seal.pk]}, sort_keys=True, default=str) + "\n")
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        archive = AuditArchive.objects.create(
            created_by=actor_label, before=before, path=str(path), sha256=digest,
            rows=len(prefix), seals=len(prefix), last_seal_id=prefix[-1].pk,
            last_chain_hash=prefix[-1].chain_hash)
        with connection.cursor() as cursor:
            # Lifts the append-only trigger for this transaction only.
            cursor.execute("SET LOCAL portal.audit_archive = 'on'")
        by_source: dict[str, list[int]] = {}
        for seal in prefix:
            by_source.setdefault(seal.source, []).append(seal.source_id)
        for source, ids in by_source.items():
            apps.get_model(source)._default_manager.filter(pk__in=ids).delete()
        AuditSeal.objects.filter(pk__in=[seal.pk for seal in prefix]).delete()
        AuditEvent.objects.create(
            action=AuditEvent.Action.ADMIN, actor_label=actor_label,
            summary=f"archived {len(prefix)} audit rows before {before:%Y-%m-%d}",
            detail={"file": path.name, "sha256": digest, "rows": len(prefix)})
    return archive
