"""Browser tests: Playwright driving Debian's Chromium (/usr/bin/chromium) against a live
server on a free port, on a fresh copy of the demo database for each test.

Without Chromium and without CI=true they skip with one line saying how to enable them;
with CI=true a missing Chromium fails the run.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
SKIP_REASON = (
    "browser tests need Chromium at /usr/bin/chromium: `apt-get install chromium` "
    "(or run `bash .ci/run`); with CI=true they always run"
)


def pytest_collection_modifyitems(config, items):
    if CHROMIUM.exists():
        return
    if os.environ.get("CI", "").lower() == "true":
        raise pytest.UsageError(f"CI=true but no Chromium at {CHROMIUM}: {SKIP_REASON}")
    marker = pytest.mark.skip(reason=SKIP_REASON)
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(marker)


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory):
    """A database with every migration and the demo data, made once and copied per test."""
    from models.base import db
    from models.demo import load_demo
    from models.migrations import upgrade
    from tests.databases import Template

    def fill(database):
        upgrade(database)
        db.initialize(database)
        load_demo()

    template = Template("demo", tmp_path_factory.mktemp("demo"), fill)
    yield template
    template.drop()


@pytest.fixture
def server_config():
    """Extra app settings for the live server; a test module may override this fixture."""
    return {}


@pytest.fixture
def live_server(tmp_path, demo_db, server_config):
    """The portal served on 127.0.0.1:<free port>, with CSRF on as in production."""
    from app import create_app
    from tests.conftest import _copies

    url = demo_db.copy(tmp_path)
    _copies.append(url)
    config = {
        "SECRET_KEY": "browser-test-secret",
        "DATABASE_URL": url,
        "WTF_CSRF_ENABLED": True,
        "INSTANCE_PATH": str(tmp_path),
        "MAIL_OUTBOX_DIR": str(tmp_path / "outbox"),
    }
    config.update(server_config)
    app = create_app(config)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(
        executable_path=str(CHROMIUM),
        headless=True,
        args=[
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    )
    yield browser
    browser.close()
    playwright.stop()


def _new_page(browser, request, **context_options):
    context = browser.new_context(**context_options)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


@pytest.fixture
def page(browser, request):
    """A fresh browser tab with JavaScript on, desktop size."""
    yield from _new_page(browser, request, viewport={"width": 1280, "height": 900})


@pytest.fixture
def tablet_page(browser, request):
    """A 768 px wide touch tablet."""
    yield from _new_page(
        browser, request, viewport={"width": 768, "height": 1024}, has_touch=True, is_mobile=True
    )


@pytest.fixture
def nojs_page(browser, request):
    """A tab with JavaScript turned off: every page must still work."""
    yield from _new_page(
        browser, request, viewport={"width": 1280, "height": 900}, java_script_enabled=False
    )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


def sign_in(page, base_url: str, email: str, password: str = "portal-demo") -> None:
    """Sign in through the form, as a user would."""
    page.goto(f"{base_url}/signin")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.locator("#auth-form").get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/signin" not in url)


def expect_focused(locator, timeout: float = 5000) -> None:
    """The element holds the document's focus (document.activeElement).

    Playwright's to_be_focused also needs the browser window to have the OS focus, which a
    headless run with several tabs does not always give; activeElement is what a user's next
    keystroke goes to.
    """
    locator.first.wait_for()
    locator.page.wait_for_function(
        "el => el === document.activeElement", arg=locator.first.element_handle(), timeout=timeout
    )
