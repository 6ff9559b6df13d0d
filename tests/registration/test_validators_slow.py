"""Property tests of the input rules, with many examples (make test-slow)."""

import unicodedata

import pytest
from django.core.exceptions import ValidationError
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from stdnum import verhoeff

from registration.validators import clean_aadhaar, clean_ifsc, clean_person_name

pytestmark = pytest.mark.slow

MANY = settings(max_examples=2000, deadline=None)

DIGITS = "0123456789"
UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
DEVANAGARI = [chr(c) for c in range(0x0900, 0x0980)]
DEVANAGARI_LETTERS = [c for c in DEVANAGARI if unicodedata.category(c) == "Lo"]
DEVANAGARI_SIGNS = [c for c in DEVANAGARI if unicodedata.category(c) in ("Mn", "Mc")]


@st.composite
def aadhaar_numbers(draw) -> str:
    """An 11-digit body starting 2-9 plus its Verhoeff check digit."""
    body = draw(st.sampled_from("23456789")) + draw(
        st.text(alphabet=DIGITS, min_size=10, max_size=10))
    number = body + verhoeff.calc_check_digit(body)
    # UIDAI issues no palindromes, and python-stdnum refuses them.
    assume(number != number[::-1])
    return number


@st.composite
def devanagari_names(draw) -> str:
    """Words of a Devanagari letter followed by letters or vowel signs, between spaces."""
    word = st.builds(
        lambda first, rest: first + "".join(rest),
        st.sampled_from(DEVANAGARI_LETTERS),
        st.lists(st.sampled_from(DEVANAGARI_LETTERS + DEVANAGARI_SIGNS), max_size=6))
    words = draw(st.lists(word, min_size=1, max_size=4))
    gaps = draw(st.lists(st.sampled_from([" ", "  "]), min_size=len(words) - 1,
                         max_size=len(words) - 1))
    name = words[0]
    for gap, following in zip(gaps, words[1:], strict=True):
        name += gap + following
    return name


@st.composite
def ifsc_codes(draw) -> str:
    """A valid IFSC: 4 letters, 0, 6 letters or digits."""
    return (draw(st.text(alphabet=UPPER, min_size=4, max_size=4)) + "0"
            + draw(st.text(alphabet=UPPER + DIGITS, min_size=6, max_size=6)))


@MANY
@given(aadhaar_numbers())
def test_every_body_with_its_verhoeff_check_digit_is_a_valid_aadhaar(number):
    assert clean_aadhaar(number) == number


@MANY
@given(aadhaar_numbers(), st.integers(0, 11), st.integers(1, 9))
def test_changing_any_single_digit_of_a_valid_aadhaar_is_refused(number, position, shift):
    changed_digit = str((int(number[position]) + shift) % 10)
    changed = number[:position] + changed_digit + number[position + 1:]
    with pytest.raises(ValidationError):
        clean_aadhaar(changed)


@MANY
@given(devanagari_names())
def test_any_devanagari_name_with_vowel_signs_is_accepted(name):
    assert clean_person_name(name) == " ".join(name.split())


@MANY
@given(devanagari_names(), st.characters(categories=["Nd"]), st.data())
def test_any_name_containing_a_digit_of_any_script_is_refused(name, digit, data):
    at = data.draw(st.integers(0, len(name)))
    with pytest.raises(ValidationError) as caught:
        clean_person_name(name[:at] + digit + name[at:])
    assert caught.value.code == "name_characters"


@MANY
@given(ifsc_codes(), st.lists(st.booleans(), min_size=11, max_size=11),
       st.sampled_from(["", " ", "  "]))
def test_a_valid_ifsc_in_any_case_comes_back_in_capitals(code, lower, padding):
    typed = "".join(c.lower() if low else c for c, low in zip(code, lower, strict=True))
    assert clean_ifsc(padding + typed + padding) == code


@MANY
@given(ifsc_codes())
def test_a_cleaned_ifsc_cleans_to_itself(code):
    assert clean_ifsc(clean_ifsc(code)) == clean_ifsc(code)
