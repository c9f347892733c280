"""Browser fixtures: Debian's Chromium driven by Playwright, one browser for the whole run."""

import os

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls there stay sync.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 20_000


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser):
    """Pages in separate browser contexts (each its own person); a script error fails the test."""
    contexts, errors = [], []

    def make(viewport=None):
        context = browser.new_context(viewport=viewport or {"width": 1280, "height": 1000})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        page.on("pageerror", lambda error: errors.append(str(error)))
        return page

    yield make
    for context in contexts:
        context.close()
    assert errors == [], errors


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture
def site(live_server, settings):
    """The live server's address; links in mails point at it and mail stays in memory."""
    settings.SITE_URL = live_server.url
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    return live_server.url
