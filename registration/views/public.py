"""Public pages of registration (no login): the labour card verification page.

Anyone who scans a card's QR code lands here. The page shows only what the card
itself shows to a verifier (DECISIONS): name, photo, registration number, status
and validity. The link is signed over the worker's UUID and the card version;
a forged link and a missing card get the same "not genuine" page.
"""

from django.core import signing
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views import View

from registration.cards import card_token_read
from registration.models import LabourCard, Worker

NOT_GENUINE_TEMPLATE = "registration/card_verify.html"


def _card_for_token(token: str) -> LabourCard | None:
    """Return the card a token was signed for, or None for a forged or unknown token."""
    try:
        uuid_hex, version = card_token_read(token)
    except signing.BadSignature:
        return None
    return (LabourCard.objects.select_related("worker")
            .filter(worker__uuid=uuid_hex, version=version).first())


def _no_index(response):
    # Verification pages are reached by QR code only: keep them out of search
    # engines and shared caches.
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Cache-Control"] = "no-store"
    return response


class CardVerifyView(View):
    def get(self, request, token):
        card = _card_for_token(token)
        if card is None:
            response = render(request, NOT_GENUINE_TEMPLATE, {"is_genuine": False}, status=404)
            return _no_index(response)
        worker = card.worker
        if card.status == LabourCard.Status.SUPERSEDED:
            state = "superseded"
        elif worker.status == Worker.Status.ACTIVE and (
                worker.valid_until is None or worker.valid_until >= timezone.localdate()):
            state = "active"
        else:
            state = "expired"
        context = {
            "is_genuine": True,
            "state": state,
            "token": token,
            "name": worker.display_name,
            "name_latin": worker.name_latin if worker.name_latin != worker.display_name else "",
            "registration_number": worker.registration_number,
            "valid_until": worker.valid_until,
            "version": card.version,
            "has_photo": bool(worker.photo) and state != "superseded",
        }
        return _no_index(render(request, "registration/card_verify.html", context))


class CardVerifyPhotoView(View):
    """The worker's photo for the verification page, behind the same signed token."""

    def get(self, request, token):
        card = _card_for_token(token)
        # A superseded card's page shows no photo: only the current card vouches for it.
        if (card is None or card.status == LabourCard.Status.SUPERSEDED
                or not card.worker.photo):
            raise Http404
        photo = card.worker.photo
        content_type = "image/png" if photo.name.lower().endswith(".png") else "image/jpeg"
        return _no_index(FileResponse(photo.open("rb"), content_type=content_type))


urls = [
    path("<str:token>/", CardVerifyView.as_view(), name="card_verify"),
    path("<str:token>/photo/", CardVerifyPhotoView.as_view(), name="card_verify_photo"),
]
