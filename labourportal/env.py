"""Pick the settings profile from DJANGO_ENV (development, production or test)."""

import os

PROFILES = {"development", "production", "test"}


def set_default_settings_module() -> None:
    """Point DJANGO_SETTINGS_MODULE at the DJANGO_ENV profile unless it is set."""
    profile = os.environ.get("DJANGO_ENV", "development")
    if profile not in PROFILES:
        raise SystemExit(f"DJANGO_ENV must be one of {sorted(PROFILES)}, not {profile!r}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", f"labourportal.settings.{profile}")
