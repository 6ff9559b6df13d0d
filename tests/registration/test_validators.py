"""Input rules of registration: Aadhaar, names, bank details, age, photos and documents."""

import io
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from registration.validators import (
    check_age,
    clean_aadhaar,
    clean_account_number,
    clean_document,
    clean_ifsc,
    clean_person_name,
    clean_photo,
)
from tests.registration.factories import jpeg_bytes, valid_aadhaar

AADHAAR = valid_aadhaar(seed=12345)  # "3000001234" + its Verhoeff check digit
APPLIED_ON = date(2026, 6, 15)


def refusal(func, *args, **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        func(*args, **kwargs)
    return caught.value


def image_bytes(fmt: str, size=(120, 160), **save_options) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (40, 90, 160)).save(out, format=fmt, **save_options)
    return out.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


# --- Aadhaar ---------------------------------------------------------------------------


def test_a_valid_twelve_digit_aadhaar_is_accepted():
    assert clean_aadhaar(AADHAAR) == AADHAAR


def test_aadhaar_written_with_spaces_is_accepted_as_twelve_digits():
    spaced = f"{AADHAAR[:4]} {AADHAAR[4:8]} {AADHAAR[8:]}"
    assert clean_aadhaar(spaced) == AADHAAR


def test_aadhaar_written_with_dashes_is_accepted_as_twelve_digits():
    dashed = f"{AADHAAR[:4]}-{AADHAAR[4:8]}-{AADHAAR[8:]}"
    assert clean_aadhaar(dashed) == AADHAAR


@pytest.mark.parametrize("value", [AADHAAR[:11], AADHAAR + "7"], ids=["11 digits", "13 digits"])
def test_aadhaar_of_the_wrong_length_is_refused_as_not_twelve_digits(value):
    error = refusal(clean_aadhaar, value)
    assert error.code == "aadhaar_length"
    assert error.messages == ["Aadhaar number must be 12 digits."]


def test_aadhaar_with_letters_is_refused_as_not_twelve_digits():
    error = refusal(clean_aadhaar, AADHAAR[:6] + "ABCDEF")
    assert error.code == "aadhaar_length"
    assert error.messages == ["Aadhaar number must be 12 digits."]


def test_aadhaar_with_a_wrong_check_digit_is_refused_as_not_valid():
    wrong = AADHAAR[:11] + str((int(AADHAAR[11]) + 1) % 10)
    error = refusal(clean_aadhaar, wrong)
    assert error.code == "aadhaar_checksum"
    assert error.messages == [
        "This is not a valid Aadhaar number. Please check the digits on the card."]


def test_aadhaar_starting_with_one_is_refused_as_not_valid():
    from stdnum import verhoeff

    body = "1" + AADHAAR[1:11]
    error = refusal(clean_aadhaar, body + verhoeff.calc_check_digit(body))
    assert error.code == "aadhaar_checksum"


def test_empty_aadhaar_is_refused_as_not_twelve_digits():
    assert refusal(clean_aadhaar, "").code == "aadhaar_length"


# --- Names -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", [
    "रामू साहू",  # Devanagari with the vowel signs ा and ू
    "सुनीता देवी",
    "சுப்பிரமணியம்",  # Tamil with the virama ்
    "সুব্রত রায়",  # Bengali with a nukta
    "K. R. Nair",
    "O'Brien",
    "Mary-Ann D'Souza",
], ids=["devanagari", "devanagari-2", "tamil", "bengali", "latin-dots", "latin-apostrophe",
        "latin-hyphen"])
def test_names_in_any_indian_script_are_accepted(name):
    assert clean_person_name(name) == name


def test_extra_spaces_in_a_name_are_collapsed():
    assert clean_person_name("  रामू   साहू ") == "रामू साहू"


@pytest.mark.parametrize("name", ["Ramu 2", "रामू१", "Ramu@Sahu", "Ramu_Sahu", "Ramu; DROP",
                                  "<b>Ramu</b>"])
def test_names_with_digits_or_symbols_are_refused(name):
    error = refusal(clean_person_name, name)
    assert error.code == "name_characters"
    assert error.messages == [
        "A name may have only letters (in any script), spaces, dots, apostrophes and hyphens."]


def test_a_name_of_only_punctuation_is_refused():
    error = refusal(clean_person_name, ". -")
    assert error.code == "name_characters"
    assert error.messages == ["Enter the name in letters."]


# --- Bank ------------------------------------------------------------------------------


def test_a_lowercase_ifsc_is_accepted_in_capitals():
    assert clean_ifsc(" sbin0001234 ") == "SBIN0001234"


def test_an_ifsc_whose_fifth_character_is_not_zero_is_refused():
    error = refusal(clean_ifsc, "SBIN1001234")
    assert error.code == "ifsc_format"
    assert "4 letters, then 0, then 6 letters or digits" in error.messages[0]


@pytest.mark.parametrize("value", ["SBIN000123", "SBIN00012345", ""], ids=["10", "12", "empty"])
def test_an_ifsc_of_the_wrong_length_is_refused(value):
    assert refusal(clean_ifsc, value).code == "ifsc_format"


@pytest.mark.parametrize("value", ["123456789", "123456789012345678"], ids=["9", "18"])
def test_account_numbers_of_9_to_18_digits_are_accepted(value):
    assert clean_account_number(value) == value


def test_spaces_in_an_account_number_are_dropped():
    assert clean_account_number("1234 5678 9012") == "123456789012"


@pytest.mark.parametrize("value", ["12345678", "1234567890123456789", "12345678A"],
                         ids=["8", "19", "letter"])
def test_account_numbers_outside_9_to_18_digits_are_refused(value):
    error = refusal(clean_account_number, value)
    assert error.code == "account_length"
    assert error.messages == ["A bank account number has 9 to 18 digits."]


def test_an_account_number_in_devanagari_digits_is_refused():
    assert refusal(clean_account_number, "१२३४५६७८९०").code == "account_length"


# --- Age -------------------------------------------------------------------------------


def born_years_before(years: int, on: date = APPLIED_ON) -> date:
    return on.replace(year=on.year - years)


@pytest.mark.parametrize("category,born", [
    ("unorganised", born_years_before(16)),
    ("unorganised", date(1966, 6, 16)),  # 59, the day before the 60th birthday
    ("boc", born_years_before(18)),
    ("boc", date(1965, 6, 16)),  # 60, the day before the 61st birthday
], ids=["unorganised-16", "unorganised-59", "boc-18", "boc-60"])
def test_ages_at_the_limits_of_the_category_are_accepted(category, born):
    check_age(category=category, born=born, on=APPLIED_ON)


@pytest.mark.parametrize("category,born,age", [
    ("unorganised", date(2010, 6, 16), 15),  # the day before the 16th birthday
    ("unorganised", born_years_before(60), 60),
    ("boc", date(2008, 6, 16), 17),
    ("boc", born_years_before(61), 61),
], ids=["unorganised-15", "unorganised-60", "boc-17", "boc-61"])
def test_ages_outside_the_limits_of_the_category_are_refused(category, born, age):
    error = refusal(check_age, category=category, born=born, on=APPLIED_ON)
    assert error.code == "age_limits"
    low, high = {"unorganised": (16, 59), "boc": (18, 60)}[category]
    assert error.messages == [
        f"For this category a worker must be {low} to {high} years old on the day of "
        f"application; by the date of birth given the age is {age}."]


def test_the_day_before_the_sixteenth_birthday_is_refused_and_the_day_itself_accepted():
    born = date(2010, 6, 15)
    with pytest.raises(ValidationError):
        check_age(category="unorganised", born=born, on=date(2026, 6, 14))
    check_age(category="unorganised", born=born, on=date(2026, 6, 15))


def test_a_boc_worker_born_on_29_february_turns_18_on_1_march():
    born = date(2008, 2, 29)
    with pytest.raises(ValidationError):
        check_age(category="boc", born=born, on=date(2026, 2, 28))
    check_age(category="boc", born=born, on=date(2026, 3, 1))


def test_age_is_not_checked_before_the_date_of_birth_or_category_is_known():
    check_age(category="boc", born=None, on=APPLIED_ON)
    check_age(category="", born=date(2020, 1, 1), on=APPLIED_ON)


# --- Photo -----------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
def test_a_jpeg_or_png_photo_comes_back_as_jpeg(fmt):
    out = clean_photo(upload(f"me.{fmt.lower()}", image_bytes(fmt)))
    assert Image.open(io.BytesIO(out)).format == "JPEG"


def test_a_photo_comes_back_without_its_exif_metadata():
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "Model X"  # Model
    original = image_bytes("JPEG", exif=exif.tobytes())
    assert Image.open(io.BytesIO(original)).getexif()[0x010F] == "PhoneMaker"

    out = clean_photo(upload("me.jpg", original))

    cleaned = Image.open(io.BytesIO(out))
    assert "exif" not in cleaned.info
    assert len(cleaned.getexif()) == 0
    assert b"PhoneMaker" not in out


def test_a_photo_taken_sideways_is_turned_upright_by_its_exif_orientation():
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to display
    out = clean_photo(upload("me.jpg", image_bytes("JPEG", size=(160, 120), exif=exif.tobytes())))
    assert Image.open(io.BytesIO(out)).size == (120, 160)


def test_a_large_photo_is_shrunk_to_at_most_800_pixels_a_side():
    out = clean_photo(upload("me.jpg", image_bytes("JPEG", size=(1600, 1200))))
    assert Image.open(io.BytesIO(out)).size == (800, 600)


def test_a_photo_over_2_mb_is_refused():
    big = jpeg_bytes() + b"\0" * (2 * 1024 * 1024)
    error = refusal(clean_photo, upload("me.jpg", big))
    assert error.code == "photo_size"
    assert error.messages == ["The photo must be smaller than 2 MB."]


def test_a_gif_photo_is_refused():
    error = refusal(clean_photo, upload("me.gif", image_bytes("GIF")))
    assert error.code == "photo_type"
    assert error.messages == ["The photo must be a JPEG or PNG image."]


def test_a_text_file_renamed_jpg_is_refused_as_a_photo():
    error = refusal(clean_photo, upload("me.jpg", b"not a picture at all\n", "image/jpeg"))
    assert error.code == "photo_type"
    assert error.messages == ["This file is not a photo we can read. Use a JPEG or PNG."]


def test_a_truncated_jpeg_is_refused_as_a_photo():
    broken = image_bytes("JPEG", size=(400, 400))[:300]
    assert refusal(clean_photo, upload("me.jpg", broken)).code == "photo_type"


# --- Documents -------------------------------------------------------------------------

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


@pytest.mark.parametrize("name,content,mime", [
    ("certificate.pdf", PDF, "application/pdf"),
    ("passbook.jpg", jpeg_bytes(), "image/jpeg"),
    ("passbook.png", image_bytes("PNG"), "image/png"),
], ids=["pdf", "jpeg", "png"])
def test_pdf_jpeg_and_png_documents_are_accepted_by_their_content(name, content, mime):
    assert clean_document(upload(name, content)) == mime


def test_a_document_is_judged_by_its_content_not_its_name():
    assert clean_document(upload("scan.jpg", PDF, "image/jpeg")) == "application/pdf"


def test_a_checked_document_can_still_be_read_from_the_start():
    document = upload("certificate.pdf", PDF)
    clean_document(document)
    assert document.read() == PDF


@pytest.mark.parametrize("name,content", [
    ("setup.exe", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\0" * 200),
    ("papers.zip", b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + b"\0" * 200),
    ("notes.pdf", b"just some text that claims to be a PDF\n"),
], ids=["exe", "zip", "text"])
def test_documents_other_than_pdf_jpeg_or_png_are_refused(name, content):
    error = refusal(clean_document, upload(name, content))
    assert error.code == "document_type"
    assert error.messages == ["A document must be a PDF, JPEG or PNG file."]


def test_a_document_over_5_mb_is_refused():
    big = PDF + b"\0" * (5 * 1024 * 1024)
    error = refusal(clean_document, upload("certificate.pdf", big))
    assert error.code == "document_size"
    assert error.messages == ["A document must be smaller than 5 MB."]
