"""Input rules of worker registration, with messages a worker understands."""

from __future__ import annotations

import io
import re
import unicodedata
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.in_ import aadhaar

IFSC_RE = re.compile(r"^[A-Z]{4}0[A-Z0-9]{6}$")
PHOTO_MAX_BYTES = 2 * 1024 * 1024
DOCUMENT_MAX_BYTES = 5 * 1024 * 1024
DOCUMENT_TYPES = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
PHOTO_MAX_SIDE = 800
# A small file can hold a huge image (a "decompression bomb"): refuse before decoding.
PHOTO_MAX_PIXELS = 40_000_000

# Age limits (inclusive, in completed years on the day of application) by category:
# unorganised workers 16-59 (e-Shram), BOC workers 18-60 (BOCW Act s.12).
AGE_LIMITS = {"unorganised": (16, 59), "boc": (18, 60), "migrant": (16, 59), "gig": (16, 59)}


def clean_aadhaar(value: str) -> str:
    """Return the 12 digits of a valid Aadhaar number, or raise ``ValidationError``."""
    digits = re.sub(r"[\s-]", "", value or "")
    if not re.fullmatch(r"[0-9]{12}", digits):
        raise ValidationError(_("Aadhaar number must be 12 digits."), code="aadhaar_length")
    try:
        aadhaar.validate(digits)
    except StdnumError:
        raise ValidationError(
            _("This is not a valid Aadhaar number. Please check the digits on the card."),
            code="aadhaar_checksum") from None
    return digits


def clean_person_name(value: str) -> str:
    """Accept a name in any Indian script (letters, their vowel signs, spaces, . ' -)."""
    name = " ".join((value or "").split())
    if not name:
        return name
    for char in name:
        kind = unicodedata.category(char)
        if kind[0] in ("L", "M") or char in " .'-":
            continue
        raise ValidationError(
            _("A name may have only letters (in any script), spaces, dots, apostrophes and "
              "hyphens."),
            code="name_characters")
    if not any(unicodedata.category(c)[0] == "L" for c in name):
        raise ValidationError(_("Enter the name in letters."), code="name_characters")
    return name


def clean_ifsc(value: str) -> str:
    """Return an IFSC in capitals (4 letters, 0, 6 letters or digits)."""
    code = (value or "").strip().upper()
    if not IFSC_RE.fullmatch(code):
        raise ValidationError(
            _("IFSC has 11 characters: 4 letters, then 0, then 6 letters or digits "
              "(for example SBIN0001234). It is printed in the passbook."),
            code="ifsc_format")
    return code


def clean_account_number(value: str) -> str:
    """Return a bank account number of 9 to 18 digits."""
    digits = re.sub(r"\s", "", value or "")
    if not re.fullmatch(r"[0-9]{9,18}", digits):
        raise ValidationError(_("A bank account number has 9 to 18 digits."),
                              code="account_length")
    return digits


def age_on(born: date, on: date) -> int:
    """Return completed years of age on a day."""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def check_age(*, category: str, born: date | None, on: date) -> None:
    """Raise ``ValidationError`` when the age on ``on`` is outside the category's limits."""
    if born is None or category not in AGE_LIMITS:
        return
    low, high = AGE_LIMITS[category]
    age = age_on(born, on)
    if age < low or age > high:
        raise ValidationError(
            _("For this category a worker must be %(low)s to %(high)s years old on the day "
              "of application; by the date of birth given the age is %(age)s.")
            % {"low": low, "high": high, "age": age},
            code="age_limits")


def clean_photo(upload) -> bytes:
    """Decode an uploaded photo and return it re-encoded as JPEG (metadata stripped)."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    if upload.size > PHOTO_MAX_BYTES:
        raise ValidationError(_("The photo must be smaller than 2 MB."), code="photo_size")
    try:
        image = Image.open(upload)
        if image.format not in ("JPEG", "PNG"):
            raise ValidationError(_("The photo must be a JPEG or PNG image."),
                                  code="photo_type")
        if image.width * image.height > PHOTO_MAX_PIXELS:
            raise ValidationError(_("The photo is too large. Take it again with a lower "
                                    "resolution."), code="photo_pixels")
        image.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise ValidationError(_("This file is not a photo we can read. Use a JPEG or PNG."),
                              code="photo_type") from None
    image = ImageOps.exif_transpose(image).convert("RGB")
    image.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
    out = io.BytesIO()
    # A fresh encode carries no EXIF (location, phone model) from the original.
    image.save(out, format="JPEG", quality=85)
    return out.getvalue()


def clean_document(upload) -> str:
    """Check an uploaded document by its content; return its content type."""
    import filetype

    if upload.size > DOCUMENT_MAX_BYTES:
        raise ValidationError(_("A document must be smaller than 5 MB."), code="document_size")
    head = upload.read(2048)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in DOCUMENT_TYPES:
        raise ValidationError(_("A document must be a PDF, JPEG or PNG file."),
                              code="document_type")
    return kind.mime
