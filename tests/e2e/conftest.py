"""Browser journeys: Playwright driving Debian's Chromium against a live test server.

Journeys are written as a user reads the page (labels, buttons, headings). Each
saves screenshots of its key pages under tests/e2e/screenshots/ (git-ignored) and
runs axe-core on every page it visits (serious or critical violations fail).
English at desktop width runs in ``make test``; Hindi and 360 px phone runs are
marked slow (``make test-slow``).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from core.sms import CapturingSMSBackend

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update",
                 "--no-first-run"]
VARIANTS = {
    "en-desktop": {"locale": "en", "viewport": {"width": 1280, "height": 900}},
    "hi-phone": {"locale": "hi", "viewport": {"width": 360, "height": 740}},
}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)
            variant = getattr(item, "callspec", None) and item.callspec.params.get("variant")
            if variant and variant != "en-desktop":
                item.add_marker(pytest.mark.slow)


@pytest.fixture
def browser(monkeypatch):
    """Chromium for one test (a session-wide Playwright would leave its event loop
    running under every later test, and Django then refuses ORM calls)."""
    from playwright.sync_api import sync_playwright

    # While Playwright's loop runs in this thread, the test's own ORM calls are
    # ordinary synchronous calls between browser steps.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        # While Playwright runs, the test's ORM calls get connections of their own
        # context; close them here, or the test database cannot be dropped at the end.
        from django.db import connections

        connections.close_all()
        browser.close()


@pytest.fixture(params=list(VARIANTS))
def variant(request):
    return request.param


def _axe_source() -> str:
    global _AXE
    if _AXE is None:
        _AXE = AXE_JS.read_text()
    return _AXE


_AXE = None


class Journey:
    """A browser tab for one user, with screenshots and accessibility checks per page."""

    def __init__(self, browser, live_server, variant: str, name: str):
        settings = VARIANTS[variant]
        self.variant = variant
        self.lang = settings["locale"]
        self.base = live_server.url
        self.context = browser.new_context(locale=settings["locale"],
                                           viewport=settings["viewport"],
                                           accept_downloads=True)
        self.page = self.context.new_page()
        self.page.set_default_timeout(15_000)
        self.name = name
        self.shots = 0
        self.violations: list[str] = []

    def t(self, english: str, hindi: str) -> str:
        """The text a user sees in the journey's language."""
        return hindi if self.lang == "hi" else english

    def goto(self, path: str):
        self.page.goto(self.base + path)

    def check_page(self, label: str) -> None:
        """Screenshot the page, check it has no horizontal scroll and run axe on it."""
        page = self.page
        self.shots += 1
        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=SCREENSHOTS / f"{self.name}-{self.variant}-{self.shots:02d}-"
                        f"{label}.png", full_page=True)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"{label}: the page scrolls sideways by {overflow}px"
        # Evaluated through the browser's debugging protocol, which the page's CSP
        # (no inline scripts) does not govern; the pages themselves keep their CSP.
        page.evaluate(_axe_source())
        result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        for violation in result["violations"]:
            if violation["impact"] in ("serious", "critical"):
                targets = [node["target"] for node in violation["nodes"][:3]]
                self.violations.append(f"{label}: {violation['id']} {targets}")
        assert not self.violations, "accessibility violations:\n" + "\n".join(self.violations)

    def close(self):
        self.context.close()


@pytest.fixture
def journey(browser, live_server, variant, request, django_db_serialized_rollback):
    """Open journeys: ``journey("worker")`` gives a fresh browser tab."""
    opened = []

    def open_journey(name: str) -> Journey:
        item = Journey(browser, live_server, variant, f"{request.node.originalname}-{name}")
        opened.append(item)
        return item

    yield open_journey
    for item in opened:
        # The last page each tab showed: where a failed journey stopped.
        SCREENSHOTS.mkdir(exist_ok=True)
        item.page.screenshot(path=SCREENSHOTS / f"{item.name}-{item.variant}-last.png",
                             full_page=True)
        item.close()


def last_code_sent_to(mobile: str) -> str:
    """The 6-digit code of the last SMS to ``mobile`` (the test SMS backend keeps them)."""
    for message in reversed(CapturingSMSBackend.outbox):
        if message.mobile == mobile:
            return re.search(r"\b(\d{6})\b", message.text).group(1)
    raise AssertionError(f"no SMS to {mobile}")


@pytest.fixture
def raipur(settings):
    """The district the journeys happen in (with one block), as the state's district."""
    from tests.core.factories import BlockFactory, DistrictFactory

    district = DistrictFactory(name_en="Raipur", name_hi="रायपुर", code="RPR")
    settings.PORTAL_STATE_CODE = district.state.code
    BlockFactory(district=district, name_en="Abhanpur", name_hi="अभनपुर")
    return district
