"""Writes of worker registration: drafts, the verification workflow, numbers and cards.

Every service owns its transaction and writes its audit event in it; SMS and
card rendering start after commit.
"""

from __future__ import annotations

import hashlib
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from core.audit import audit_event_record
from core.crypto import encrypt_text
from core.models import AuditEvent
from core.sms import sms_send
from registration.identity import aadhaar_hash, aadhaar_vault_store
from registration.models import (
    AadhaarVault,
    Camp,
    DistrictTarget,
    FamilyMember,
    LabourCard,
    RegistrationSequence,
    Worker,
    WorkerDocument,
    WorkerTransition,
)
from registration.validators import check_age

S = Worker.Status
MAX_PROFILES_PER_LOGIN = 5  # DECISIONS: a family's shared phone manages up to 5 profiles.
RENEWAL_WINDOW_DAYS = 60  # an active registration is renewed from this many days before expiry

# Fields each form step may write (the form decides their shape).
STEP_FIELDS = {
    "personal": ["name", "name_latin", "relative_name", "relative_relation", "date_of_birth",
                 "gender", "mobile"],
    "address": ["district", "block", "village", "address_line", "pincode"],
    "work": ["category", "occupation", "employer_name"],
    "bank": ["bank_account_holder", "ifsc"],
    "family": ["nominee_name", "nominee_relation"],
}
STEPS = ["personal", "address", "work", "bank", "family", "documents", "review"]


class DuplicateAadhaar(ValidationError):
    """The Aadhaar number belongs to another worker record (``existing`` is that record)."""

    def __init__(self, existing: Worker | None):
        super().__init__(
            _("A worker with this Aadhaar number is already registered. Please contact the "
              "labour office or a CSC / Lok Mitra centre."), code="duplicate_aadhaar")
        self.existing = existing


def _transition(*, worker: Worker, to: str, actor, reason: str = "", request=None) -> None:
    WorkerTransition.objects.create(worker=worker, from_status=worker.status, to_status=to,
                                    actor=actor, reason=reason)
    audit_event_record(action=AuditEvent.Action.TRANSITION, request=request, actor=actor,
                       obj=worker, district=worker.district,
                       summary=f"{worker.status} -> {to}", detail={"reason": reason})
    worker.status = to


def worker_notify(worker: Worker, message, **params) -> None:
    """Send ``message`` (a lazy translation) to the worker, in the worker's language, after commit.

    The language is the worker's login's choice; Hindi when the worker has no login
    (registered by an operator or officer), as most workers read Hindi best.
    """
    language = worker.owner.preferred_language if worker.owner_id else settings.SMS_LANGUAGE
    with override(language):
        text = str(message) % params if params else str(message)
    mobile = worker.mobile
    transaction.on_commit(lambda: sms_send(mobile=mobile, text=text))


def _locked(worker_id: int) -> Worker:
    return Worker.objects.select_for_update().get(pk=worker_id)


def _locked_editable(worker_id: int) -> Worker:
    """Lock a worker that may still be changed (a draft or a sent-back registration)."""
    worker = _locked(worker_id)
    if not worker.is_editable:
        raise ValidationError(_("This registration can no longer be changed."),
                              code="not_editable")
    return worker


@transaction.atomic
def worker_draft_create(*, actor, channel: str, mobile: str, district, camp: Camp | None = None,
                        consent_at=None, request=None) -> Worker:
    """Start a registration draft for the given channel.

    A worker's own login may manage at most five profiles (a family's shared phone).
    """
    owner = None
    if channel == Worker.Channel.SELF:
        owner = actor
        # Lock the login so that two drafts started at once cannot pass the limit together.
        get_user_model().objects.select_for_update().filter(pk=actor.pk).first()
        if Worker.objects.filter(owner=actor).count() >= MAX_PROFILES_PER_LOGIN:
            raise ValidationError(
                _("One mobile number can manage at most %(n)s workers.")
                % {"n": MAX_PROFILES_PER_LOGIN}, code="too_many_profiles")
    if camp is not None:
        channel = Worker.Channel.CAMP
        district = camp.district
    worker = Worker.objects.create(channel=channel, owner=owner, registered_by=actor,
                                   camp=camp, mobile=mobile, district=district,
                                   consent_at=consent_at)
    audit_event_record(action=AuditEvent.Action.TRANSITION, request=request, actor=actor,
                       obj=worker, district=district, summary=f"draft created ({channel})")
    return worker


@transaction.atomic
def worker_step_save(*, actor, worker_id: int, step: str, data: dict, request=None) -> Worker:
    """Save one step of the form into the draft (or a sent-back record)."""
    if step not in STEPS:
        raise ValidationError(_("Unknown step %(step)s.") % {"step": step}, code="bad_step")
    worker = _locked_editable(worker_id)
    for field in STEP_FIELDS.get(step, []):
        if field in data:
            setattr(worker, field, data[field])
    if step == "personal" and data.get("aadhaar"):
        _aadhaar_set(worker, data["aadhaar"])
    if step == "work":
        check_age(category=worker.category, born=worker.date_of_birth,
                  on=timezone.localdate())
    if step == "bank" and data.get("account_number"):
        worker.bank_account_encrypted = encrypt_text(data["account_number"])
        worker.bank_account_last4 = data["account_number"][-4:]
    if step == "family" and "family" in data:
        worker.family.all().delete()
        FamilyMember.objects.bulk_create(
            FamilyMember(worker=worker, **member) for member in data["family"])
    next_step = STEPS[min(STEPS.index(step) + 1, len(STEPS) - 1)]
    if STEPS.index(next_step) > STEPS.index(worker.draft_step):
        worker.draft_step = next_step
    try:
        with transaction.atomic():
            worker.save()
    except IntegrityError as exc:
        if "registration_worker_one_per_aadhaar" in str(exc):
            raise DuplicateAadhaar(Worker.objects.filter(
                aadhaar_hash=worker.aadhaar_hash).first()) from None
        raise
    return worker


def _aadhaar_set(worker: Worker, number: str) -> None:
    digest = aadhaar_hash(number)
    existing = Worker.objects.filter(aadhaar_hash=digest).exclude(pk=worker.pk).first()
    if existing is not None:
        raise DuplicateAadhaar(existing)
    previous = worker.aadhaar_hash
    worker.aadhaar_hash = aadhaar_vault_store(number=number)
    worker.aadhaar_last4 = number[-4:]
    if previous and previous != worker.aadhaar_hash and not Worker.objects.filter(
            aadhaar_hash=previous).exclude(pk=worker.pk).exists():
        # A corrected number: the mistyped one is nobody's, so it leaves the vault.
        AadhaarVault.objects.filter(hash=previous).delete()


@transaction.atomic
def worker_photo_set(*, actor, worker_id: int, jpeg: bytes, request=None) -> Worker:
    """Store the worker's (already re-encoded) photo."""
    worker = _locked_editable(worker_id)
    worker.photo.save(f"{worker.uuid}.jpg", ContentFile(jpeg), save=False)
    worker.save(update_fields=["photo", "updated_at"])
    return worker


@transaction.atomic
def worker_document_add(*, actor, worker_id: int, kind: str, upload, content_type: str,
                        request=None) -> WorkerDocument:
    """Attach a checked document to the worker's registration."""
    worker = _locked_editable(worker_id)
    content = upload.read()
    document = WorkerDocument(worker=worker, kind=kind, original_name=upload.name[:200],
                              content_type=content_type, size=len(content),
                              sha256=hashlib.sha256(content).hexdigest(), uploaded_by=actor)
    extension = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}[content_type]
    document.file.save(f"{document.uuid}.{extension}", ContentFile(content), save=False)
    document.save()
    return document


@transaction.atomic
def worker_document_remove(*, actor, worker_id: int, document_id: int, request=None) -> None:
    """Remove a document from a registration that is still being prepared."""
    worker = _locked_editable(worker_id)
    worker.documents.filter(pk=document_id).delete()


def worker_missing(worker: Worker) -> list[str]:
    """Return what a registration still lacks before it can be submitted."""
    missing = []
    required = {
        _("name"): worker.name, _("father's or husband's name"): worker.relative_name,
        _("date of birth"): worker.date_of_birth, _("gender"): worker.gender,
        _("Aadhaar number"): worker.aadhaar_hash, _("block / town"): worker.block_id,
        _("address"): worker.address_line, _("category"): worker.category,
        _("occupation"): worker.occupation_id, _("bank account"): worker.bank_account_last4,
        _("IFSC"): worker.ifsc, _("nominee"): worker.nominee_name, _("photo"): worker.photo,
    }
    missing = [str(label) for label, value in required.items() if not value]
    if worker.category == Worker.Category.BOC and not any(
            d.kind == WorkerDocument.Kind.WORK_CERTIFICATE for d in worker.documents.all()):
        missing.append(str(WorkerDocument.Kind.WORK_CERTIFICATE.label))
    return missing


@transaction.atomic
def worker_submit(*, actor, worker_id: int, request=None) -> Worker:
    """Submit a complete draft (or a corrected sent-back record) for verification."""
    worker = _locked(worker_id)
    if worker.status == S.SUBMITTED:
        return worker  # a repeated click
    if not worker.is_editable:
        raise ValidationError(_("Registration %(id)s cannot be submitted from status %(s)s.")
                              % {"id": worker.pk, "s": worker.status}, code="wrong_status")
    missing = worker_missing(worker)
    if missing:
        raise ValidationError(_("Still missing: %(fields)s.") % {"fields": ", ".join(missing)},
                              code="incomplete")
    check_age(category=worker.category, born=worker.date_of_birth, on=timezone.localdate())
    _transition(worker=worker, to=S.SUBMITTED, actor=actor, request=request)
    worker.submitted_at = timezone.now()
    worker.decision_reason = ""
    worker.save()
    worker_notify(worker, gettext_lazy("Shram Portal: your registration %(ref)s has been received "
                                 "and will be verified by the labour office."),
            ref=worker.reference)
    return worker


def _registration_number(worker: Worker, on: date) -> str:
    # The row lock serialises approvals per district and year; a rolled-back
    # approval rolls its increment back too, so the sequence has no gaps.
    sequence, _created = RegistrationSequence.objects.get_or_create(
        district=worker.district, year=on.year)
    sequence = RegistrationSequence.objects.select_for_update().get(pk=sequence.pk)
    district = worker.district
    while True:
        sequence.last_value += 1
        number = f"{district.state.code}-{district.code}-{on.year}-{sequence.last_value:07d}"
        # A number brought in by a migration import is never given twice.
        if not Worker.objects.filter(registration_number=number).exists():
            break
    sequence.save(update_fields=["last_value"])
    return number


def _validity(worker: Worker, start: date) -> date | None:
    if worker.category != Worker.Category.BOC:
        return None
    return start + timedelta(days=settings.BOC_VALIDITY_DAYS) - timedelta(days=1)


@transaction.atomic
def worker_approve(*, actor, worker_id: int, request=None) -> Worker:
    """Approve a submitted registration: give it its number, make it active, make its card."""
    worker = _locked(worker_id)
    if worker.status == S.ACTIVE:
        return worker
    if worker.status != S.SUBMITTED:
        raise ValidationError(_("Registration %(id)s cannot be approved from status %(s)s.")
                              % {"id": worker.pk, "s": worker.status}, code="wrong_status")
    missing = worker_missing(worker)
    if missing:
        # Imported rows arrive without a photo or certificate: send them back first.
        raise ValidationError(_("Still missing: %(fields)s.") % {"fields": ", ".join(missing)},
                              code="incomplete")
    today = timezone.localdate()
    _transition(worker=worker, to=S.ACTIVE, actor=actor, request=request)
    worker.registration_number = _registration_number(worker, today)
    worker.registered_on = today
    worker.valid_until = _validity(worker, today)
    worker.decided_at = timezone.now()
    worker.decided_by = actor
    worker.decision_reason = ""
    worker.save()
    labour_card_issue(actor=actor, worker_id=worker.pk)
    worker_notify(worker, gettext_lazy("Shram Portal: your registration is approved. Registration "
                                 "number %(number)s. Your labour card can be downloaded."),
            number=worker.registration_number)
    return worker


def _decide(*, actor, worker_id: int, to: str, reason: str, request, message) -> Worker:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Write the reason, so that the worker knows what to do."),
                              code="reason_required")
    worker = _locked(worker_id)
    if worker.status == to:
        return worker  # a repeated click: nothing changes, nobody is told twice
    if worker.status != S.SUBMITTED:
        raise ValidationError(_("Registration %(id)s is not awaiting verification (status "
                                "%(s)s).") % {"id": worker.pk, "s": worker.status},
                              code="wrong_status")
    _transition(worker=worker, to=to, actor=actor, reason=reason, request=request)
    worker.decided_at = timezone.now()
    worker.decided_by = actor
    worker.decision_reason = reason
    worker.save()
    worker_notify(worker, message, reason=reason[:100])
    return worker


@transaction.atomic
def worker_send_back(*, actor, worker_id: int, reason: str, request=None) -> Worker:
    """Send a submitted registration back to the worker for correction, with the reason."""
    return _decide(actor=actor, worker_id=worker_id, to=S.SENT_BACK, reason=reason,
                   request=request, message=gettext_lazy(
                       "Shram Portal: your registration needs a correction: %(reason)s"))


@transaction.atomic
def worker_reject(*, actor, worker_id: int, reason: str, request=None) -> Worker:
    """Reject a submitted registration, with the reason."""
    return _decide(actor=actor, worker_id=worker_id, to=S.REJECTED, reason=reason,
                   request=request, message=gettext_lazy(
                       "Shram Portal: your registration was not approved: %(reason)s"))


@transaction.atomic
def worker_renew(*, actor, worker_id: int, request=None) -> Worker:
    """Renew a BOC registration for another validity period, with a new card."""
    worker = _locked(worker_id)
    if worker.category != Worker.Category.BOC or worker.status not in (S.ACTIVE, S.EXPIRED):
        raise ValidationError(_("Only an active or expired BOC registration can be renewed."),
                              code="wrong_status")
    today = timezone.localdate()
    if worker.status == S.ACTIVE and worker.valid_until and \
            worker.valid_until > today + timedelta(days=RENEWAL_WINDOW_DAYS):
        # Also makes a repeated click a refusal instead of a second year.
        raise ValidationError(_("Registration %(id)s is valid until %(date)s; it can be renewed "
                                "from 60 days before that.")
                              % {"id": worker.pk, "date": worker.valid_until.strftime("%d/%m/%Y")},
                              code="too_early")
    start = max(today, worker.valid_until + timedelta(days=1)) if worker.valid_until else today
    if worker.status == S.EXPIRED:
        _transition(worker=worker, to=S.ACTIVE, actor=actor, reason="renewed", request=request)
    else:
        audit_event_record(action=AuditEvent.Action.TRANSITION, request=request, actor=actor,
                           obj=worker, district=worker.district, summary="renewed")
    worker.valid_until = _validity(worker, start)
    worker.expiry_reminded_on = None
    worker.save()
    labour_card_issue(actor=actor, worker_id=worker.pk)
    return worker


@transaction.atomic
def labour_card_issue(*, actor, worker_id: int, request=None) -> LabourCard:
    """Make a new version of the worker's card (the current one is superseded)."""
    worker = _locked(worker_id)
    if worker.status not in (S.ACTIVE, S.EXPIRED):
        raise ValidationError(_("A card is made only for an approved registration."),
                              code="wrong_status")
    last = worker.cards.order_by("-version").first()
    worker.cards.exclude(status=LabourCard.Status.SUPERSEDED).update(
        status=LabourCard.Status.SUPERSEDED)
    card = LabourCard.objects.create(worker=worker, version=(last.version + 1) if last else 1,
                                     requested_by=actor)
    audit_event_record(action=AuditEvent.Action.TRANSITION, request=request, actor=actor,
                       obj=card, district=worker.district, summary=f"card v{card.version} issued")
    from registration.tasks import labour_card_render_task

    labour_card_render_task.delay_on_commit(card.pk)
    return card


def workers_expire(*, today: date | None = None) -> dict:
    """Mark BOC registrations past their validity expired; remind those 30 days ahead."""
    today = today or timezone.localdate()
    expired = 0
    for worker_id in Worker.objects.filter(status=S.ACTIVE, valid_until__lt=today).values_list(
            "pk", flat=True).iterator():
        with transaction.atomic():
            worker = _locked(worker_id)
            if worker.status != S.ACTIVE or worker.valid_until >= today:
                continue
            _transition(worker=worker, to=S.EXPIRED, actor=None, reason="validity ended")
            worker.save()
            worker_notify(worker, gettext_lazy("Shram Portal: your registration %(number)s has "
                                         "expired. Renew it at the labour office or a CSC "
                                         "centre."), number=worker.registration_number)
            expired += 1
    reminded = 0
    soon = Worker.objects.filter(status=S.ACTIVE, valid_until__lte=today + timedelta(days=30),
                                 valid_until__gte=today, expiry_reminded_on__isnull=True)
    for worker_id in soon.values_list("pk", flat=True).iterator():
        with transaction.atomic():
            worker = _locked(worker_id)
            if worker.expiry_reminded_on is not None:
                continue
            worker.expiry_reminded_on = today
            worker.save(update_fields=["expiry_reminded_on"])
            worker_notify(worker, gettext_lazy("Shram Portal: your registration %(number)s expires "
                                         "on %(date)s. Please renew it in time."),
                    number=worker.registration_number,
                    date=worker.valid_until.strftime("%d/%m/%Y"))
            reminded += 1
    return {"expired": expired, "reminded": reminded}


@transaction.atomic
def camp_create(*, actor, data: dict, request=None) -> Camp:
    """Create a registration camp."""
    camp = Camp.objects.create(created_by=actor, **data)
    audit_event_record(action=AuditEvent.Action.ADMIN, request=request, actor=actor, obj=camp,
                       district=camp.district, summary="camp created")
    return camp


@transaction.atomic
def district_target_set(*, actor, district, starts_on: date, ends_on: date, target_count: int,
                        request=None) -> DistrictTarget:
    """Set (or change) a district's registration target for a period."""
    target, _created = DistrictTarget.objects.update_or_create(
        district=district, starts_on=starts_on,
        defaults={"ends_on": ends_on, "target_count": target_count, "set_by": actor})
    audit_event_record(action=AuditEvent.Action.ADMIN, request=request, actor=actor,
                       obj=target, district=district,
                       summary=f"target {target_count} from {starts_on:%d/%m/%Y}")
    return target
