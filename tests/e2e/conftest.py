"""The end-to-end tests: the real pages in headless Chromium, driven by Playwright.

The browser is Debian's `chromium` (Playwright's own download is never used: its CDN is out of
reach here), found on PATH or named by the CHROMIUM environment variable; `make browser` installs
it with a Chinese font. Without it these tests are skipped with the command that installs it —
unless E2E_REQUIRED=1 (CI), where a missing browser fails them.

Each test gets its own browser context (cookies, language) against pytest-django's live server.
A failed test leaves a full-page screenshot and the HTML of each of its pages in
test-artifacts/e2e/ (or E2E_ARTIFACTS): `<test name>.png`, a second page `<test name>-2.png`, …
"""

import os
import re
import shutil
from pathlib import Path

import pytest
from django.urls import reverse

from tests.e2e.browsing import PASSWORD, at

INSTALL_COMMAND = "sudo apt-get install chromium fonts-wqy-microhei"
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root, where Chromium's sandbox refuses to start
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT_MS = 15_000  # a page of this site answers in well under a second; fail fast, not after 30 s

_reports = pytest.StashKey[dict]()


def chromium_path():
    return os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


def missing_browser():
    """Why the browser tests cannot run on this machine, or None when they can."""
    try:
        import playwright.sync_api  # noqa: F401
        import pypdfium2  # noqa: F401
    except ImportError as error:
        return f"{error.name} is not installed: run `make install`"
    if not chromium_path():
        return f"Chromium is not installed: run `{INSTALL_COMMAND}` (or `make browser` as root)"
    return None


def browser_required():
    return os.environ.get("E2E_REQUIRED") == "1"


def pytest_collection_modifyitems(config, items):
    problem = missing_browser()
    if problem is None or browser_required():
        return  # the browser fixture fails each test with the reason
    skip = pytest.mark.skip(reason=f"end-to-end test skipped: {problem}")
    for item in items:
        if item.get_closest_marker("e2e"):
            item.add_marker(skip)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    item.stash.setdefault(_reports, {})[report.when] = report
    return report


@pytest.fixture(scope="session")
def browser():
    problem = missing_browser()
    if problem:
        pytest.fail(f"E2E_REQUIRED=1 and {problem}", pytrace=False)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop on this thread, and Django refuses ORM calls from
    # a thread with a running loop; the tests' own ORM calls are synchronous, so allow them.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def artefacts_dir(config):
    return Path(os.environ.get("E2E_ARTIFACTS") or config.rootpath / "test-artifacts" / "e2e")


def keep_pages(item, pages):
    """A screenshot and the HTML of each page the failed test had open."""
    folder = artefacts_dir(item.config)
    folder.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^\w.-]+", "_", item.name).strip("_")
    for n, page in enumerate(pages, start=1):
        stem = folder / (name if n == 1 else f"{name}-{n}")
        try:
            page.screenshot(path=stem.with_suffix(".png"), full_page=True)
            stem.with_suffix(".html").write_text(page.content(), encoding="utf-8")
        except Exception as error:  # a crashed page must not hide the test's own failure
            stem.with_suffix(".txt").write_text(f"No screenshot of {page.url}: {error}\n", encoding="utf-8")


@pytest.fixture
def new_page(request, browser, live_server, transactional_db):
    """new_page(locale="en-US") opens a page in a fresh browser context (no cookies) on the live
    server; relative URLs go to it. The site follows the browser's language."""
    contexts = []

    def _new_page(locale="en-US"):
        context = browser.new_context(
            base_url=live_server.url,
            locale=locale,
            timezone_id="Asia/Shanghai",
            viewport={"width": 1280, "height": 900},  # a township office's laptop
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield _new_page
    reports = request.node.stash.get(_reports, {})
    if any(report.failed for report in reports.values()):
        keep_pages(request.node, [page for context in contexts for page in context.pages])
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    """A page in English, signed in as nobody."""
    return new_page()


@pytest.fixture
def signed_in(new_page):
    """signed_in("leader") is a new page signed in as that user through the sign-in form, on home."""
    from playwright.sync_api import expect

    def _signed_in(username, password=PASSWORD, *, locale="en-US"):
        page = new_page(locale=locale)
        page.goto(reverse("accounts:login"))
        page.locator("input[name=username]").fill(username)
        page.locator("input[name=password]").fill(password)
        page.locator("input[name=password]").press("Enter")
        expect(page).to_have_url(at(reverse("home")))
        return page

    return _signed_in
