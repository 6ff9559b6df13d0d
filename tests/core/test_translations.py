"""Every marked string has a Hindi translation, and the catalogues compile."""

import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = [ROOT / "locale/hi/LC_MESSAGES/django.po",
              ROOT / "thirdparty_locale/hi/LC_MESSAGES/django.po"]


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: p.parts[-4])
def test_every_entry_has_a_hindi_translation(po):
    untranslated = subprocess.run(["msgattrib", "--untranslated", "--no-obsolete", str(po)],
                                  capture_output=True, text=True, check=True).stdout
    fuzzy = subprocess.run(["msgattrib", "--only-fuzzy", "--no-obsolete", str(po)],
                           capture_output=True, text=True, check=True).stdout
    assert untranslated.count("msgid ") == 0, untranslated[:2000]
    assert fuzzy.count("msgid ") == 0, fuzzy[:2000]


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: p.parts[-4])
def test_catalogue_compiles_cleanly(po):
    subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(po)], check=True)


def test_catalogue_is_up_to_date_with_the_code(tmp_path):
    """makemessages finds no string that the committed catalogue lacks."""
    import shutil

    work = tmp_path / "hi.po"
    shutil.copy(CATALOGUES[0], work)
    result = subprocess.run(
        ["xgettext", "--version"], capture_output=True, text=True)
    assert result.returncode == 0
    from django.core.management import call_command

    before = CATALOGUES[0].read_text()
    try:
        call_command("makemessages", locale=["hi"], ignore_patterns=[
            ".venv", "node_modules", "staticfiles", "var", "tests", "thirdparty_locale"],
            verbosity=0)
        after_untranslated = subprocess.run(
            ["msgattrib", "--untranslated", "--no-obsolete", str(CATALOGUES[0])],
            capture_output=True, text=True, check=True).stdout
    finally:
        CATALOGUES[0].write_text(before)
    assert after_untranslated.count("msgid ") == 0, after_untranslated[:2000]
