"""Development profile: the base settings with their DEV-ONLY defaults."""

from .base import *  # noqa: F401,F403
