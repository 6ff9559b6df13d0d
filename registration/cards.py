"""Labour card PDFs (WeasyPrint + segno QR) and the signed public verification link.

A card is rendered in the background after it is issued (``labour_card_issue``)
and is safe to render twice. Its QR code carries a link signed over the
worker's UUID and the card version: it never expires, but a re-issued card
makes the old link say "superseded" (DECISIONS).
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Callable, Iterable

import segno
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Prefetch, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.audit import audit_event_record
from core.models import AuditEvent
from core.scoping import scoped
from registration.models import Camp, LabourCard, Worker

logger = logging.getLogger(__name__)

# A dedicated salt: a signature made for anything else never verifies as a card.
CARD_TOKEN_SALT = "registration.labourcard.verify"
CARDS_PER_SHEET_PAGE = 5  # A4 card stock: 5 rows of front + back side by side.
SHEET_CHUNK = 50  # cards rendered per chunk of a bulk print (a multiple of the page).

# The card is printed in both languages whatever the reader's language, so its
# Hindi wording is fixed here rather than looked up in the message catalogue.
CATEGORY_HI = {
    Worker.Category.UNORGANISED: "असंगठित श्रमिक",
    Worker.Category.BOC: "भवन एवं अन्य सन्निर्माण श्रमिक",
    Worker.Category.MIGRANT: "प्रवासी श्रमिक",
    Worker.Category.GIG: "प्लेटफ़ॉर्म / गिग श्रमिक",
}
RELATION_LABELS = {
    Worker.Relation.FATHER: ("पिता का नाम", "Father's name"),
    Worker.Relation.HUSBAND: ("पति का नाम", "Husband's name"),
    Worker.Relation.MOTHER: ("माता का नाम", "Mother's name"),
    Worker.Relation.WIFE: ("पत्नी का नाम", "Wife's name"),
}
RELATION_DEFAULT = ("पिता / पति का नाम", "Father's / spouse's name")


class CardRenderError(Exception):
    """A card could not be rendered (retried by the task)."""


# --- The signed public link ------------------------------------------------------------


def card_token(card: LabourCard) -> str:
    """Return the signed token of a card's public verification link (no expiry)."""
    return signing.Signer(salt=CARD_TOKEN_SALT).sign(f"{card.worker.uuid.hex}.{card.version}")


def card_token_read(token: str) -> tuple[str, int]:
    """Return (worker UUID hex, card version) of a token; raise ``BadSignature`` if forged."""
    value = signing.Signer(salt=CARD_TOKEN_SALT).unsign(token)
    uuid_hex, _sep, version = value.partition(".")
    if not version.isdigit():
        raise signing.BadSignature("malformed card token")
    return uuid_hex, int(version)


def card_verify_url(card: LabourCard) -> str:
    """Return the absolute public link printed as the card's QR code."""
    path = reverse("registration_public:card_verify", args=[card_token(card)])
    return f"{settings.PORTAL_BASE_URL.rstrip('/')}{path}"


# --- Rendering -------------------------------------------------------------------------


def _photo_data_uri(worker: Worker) -> str:
    # A data: URI, so that WeasyPrint needs no file URL into private storage.
    if not worker.photo:
        return ""
    with worker.photo.open("rb") as handle:
        data = handle.read()
    mime = "image/png" if data[:8] == b"\x89PNG\r\n\x1a\n" else "image/jpeg"
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def _card_context(card: LabourCard) -> dict:
    worker = card.worker
    qr = segno.make(card_verify_url(card), error="m", micro=False)
    relation_hi, relation_en = RELATION_LABELS.get(worker.relative_relation, RELATION_DEFAULT)
    district = worker.district
    with translation.override("en"):
        category_en = worker.get_category_display()
    return {
        "worker": worker,
        "card": card,
        "name": worker.display_name,
        "name_latin": worker.name_latin if worker.name_latin != worker.display_name else "",
        "relation_hi": relation_hi,
        "relation_en": relation_en,
        "category_hi": CATEGORY_HI.get(worker.category, ""),
        "category_en": category_en,
        "state_hi": district.state.name_hi,
        "state_en": district.state.name_en,
        "district_hi": district.name_hi,
        "district_en": district.name_en,
        "photo": _photo_data_uri(worker),
        "qr": qr.svg_data_uri(border=2, dark="#000", light="#fff", xmldecl=False),
    }


def _stylesheet():
    from weasyprint import CSS

    return CSS(filename=finders.find("registration/css/card_pdf.css"))


def _html(template: str, context: dict):
    from weasyprint import HTML

    with translation.override("en"):
        html = render_to_string(template, context)
    return HTML(string=html, base_url=str(settings.BASE_DIR))


def card_pdf(card: LabourCard) -> bytes:
    """Return the PDF of one card: front and back, each a credit-card-size page."""
    return _html("registration/card_pdf.html", {"c": _card_context(card)}).write_pdf(
        stylesheets=[_stylesheet()])


def labour_card_render(*, card_id: int) -> None:
    """Render a card's PDF and mark it ready; a card already ready or superseded is left.

    Rendering runs outside any transaction (it is slow); the card row is locked
    only to attach the file, after checking that it is still the current card of
    the worker it was rendered for. A failure is counted and raised as
    ``CardRenderError`` for the task to retry with backoff.
    """
    card = (LabourCard.objects.select_related("worker__district__state")
            .filter(pk=card_id).first())
    if card is None:
        logger.warning("labour card %s does not exist", card_id)
        return
    if card.status in (LabourCard.Status.READY, LabourCard.Status.SUPERSEDED):
        return
    worker_id = card.worker_id
    try:
        pdf = card_pdf(card)
        with transaction.atomic():
            locked = LabourCard.objects.select_for_update().get(pk=card_id)
            # Another run finished first, or the card was re-issued meanwhile: never
            # attach this rendering to a different worker or to an old version.
            if locked.worker_id != worker_id or locked.status in (
                    LabourCard.Status.READY, LabourCard.Status.SUPERSEDED):
                return
            locked.file.save(f"card-{card.worker.uuid.hex}-v{locked.version}.pdf",
                             ContentFile(pdf), save=False)
            locked.status = LabourCard.Status.READY
            locked.generated_at = timezone.now()
            locked.error = ""
            locked.save(update_fields=["file", "status", "generated_at", "error"])
    except Exception as exc:
        logger.exception("labour card %s could not be rendered", card_id)
        # The class name only: an exception's message may quote personal data.
        LabourCard.objects.filter(
            pk=card_id, status__in=[LabourCard.Status.PENDING, LabourCard.Status.FAILED],
        ).update(status=LabourCard.Status.FAILED, attempts=F("attempts") + 1,
                 error=f"{type(exc).__name__} at {timezone.now():%Y-%m-%d %H:%M:%S}"[:200])
        raise CardRenderError(f"card {card_id}: {type(exc).__name__}") from exc


@transaction.atomic
def labour_card_retry(*, actor, card_id: int, request=None) -> LabourCard:
    """Render a failed card again (in the background)."""
    card = (LabourCard.objects.select_for_update(of=("self",))
            .select_related("worker__district").get(pk=card_id))
    if card.status != LabourCard.Status.FAILED:
        raise ValidationError(_("Card %(id)s has not failed (status %(s)s).")
                              % {"id": card.pk, "s": card.get_status_display()},
                              code="wrong_status")
    card.status = LabourCard.Status.PENDING
    card.save(update_fields=["status"])
    audit_event_record(action=AuditEvent.Action.TRANSITION, request=request, actor=actor,
                       obj=card, district=card.worker.district,
                       summary=f"card v{card.version} render retried")
    from registration.tasks import labour_card_render_task

    labour_card_render_task.delay_on_commit(card.pk)
    return card


def cards_sheet_pdf(workers: Iterable[Worker], *,
                    progress: Callable[[int], None] | None = None) -> bytes:
    """Return one PDF of many cards on A4 card stock: per row a card's front and back.

    Each worker is printed with their current card (its version signs the QR
    link); pass workers with ``current_cards`` prefetched (see
    ``registration.job_handlers``). ``progress`` is called with the number of
    cards done after each chunk.
    """
    documents = []
    chunk: list[dict] = []
    done = 0

    def flush():
        nonlocal done
        documents.append(_html("registration/card_sheet_pdf.html", {"cards": chunk})
                         .render(stylesheets=[_stylesheet()]))
        done += len(chunk)
        if progress is not None:
            progress(done)

    for worker in workers:
        card = worker.current_cards[0]
        card.worker = worker
        chunk.append(_card_context(card))
        if len(chunk) == SHEET_CHUNK:
            flush()
            chunk = []
    if chunk or not documents:
        flush()
    pages = [page for document in documents for page in document.pages]
    return documents[0].copy(pages).write_pdf()


def card_print_workers(*, user, worker_uuids=None, camp_id=None) -> QuerySet[Worker]:
    """Return the active workers with a current card that ``user`` may print, in order.

    Select by ``worker_uuids`` or by a camp the user may see (``camp_id``). Each
    worker carries ``current_cards`` (a list of one) for ``cards_sheet_pdf``.
    """
    current = [LabourCard.Status.PENDING, LabourCard.Status.READY, LabourCard.Status.FAILED]
    workers = scoped(user, Worker).filter(
        Exists(LabourCard.objects.filter(worker=OuterRef("pk"), status__in=current)),
        status=Worker.Status.ACTIVE)
    if camp_id is not None:
        workers = workers.filter(camp__in=scoped(user, Camp).filter(pk=camp_id))
    else:
        workers = workers.filter(uuid__in=list(worker_uuids or []))
    return (workers.select_related("district__state")
            .prefetch_related(Prefetch("cards", to_attr="current_cards",
                                       queryset=LabourCard.objects.filter(status__in=current)))
            .order_by("registration_number"))
