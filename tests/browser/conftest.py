"""Browser tests: Playwright driving Debian's Chromium (/usr/bin/chromium) against a live
server on a free port, on a fresh copy of the demo database for each test.

Without Chromium and without CI=true they skip with one line saying how to enable them;
with CI=true a missing Chromium fails the run.

Every page state a test visits is checked with axe-core (vendored under vendor/axe-core/, never
served by the app): each browser context made here carries a checker that,
before every action (click, fill, select, goto, reload…) runs axe on the page state the action
starts from, unless that very state was checked, and checks every open page once more when the
test ends — so every page and htmx-swapped state that a test sees is checked, with JavaScript,
without it (in a JS-on twin tab on the same HTML, scripts left out) and on the tablet. Any serious or critical violation fails the test with
rule id, impact and target. The page's CSP does not apply: axe is injected with evaluate().
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import threading
from pathlib import Path

import pytest
from playwright._impl.frame import Frame as FrameImpl
from playwright._impl.page import Page as PageImpl
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


AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text()
AXE_IMPACTS = ["serious", "critical"]
# Runs axe on the document as it is now; returns the serious and critical violations.
AXE_RUN = """async (impacts) => {
  const results = await axe.run(document, {resultTypes: ["violations"]});
  return results.violations.filter(v => impacts.includes(v.impact)).map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.map(n => n.target.join(" "))
  }));
}"""
# A page without JavaScript is checked in a twin tab with JavaScript on (axe needs it), on
# its HTML as rendered, with its scripts left out and its styles loaded from the live server.
SCRIPT_TAG = re.compile(r"<script\b[^>]*>.*?</script>", re.S | re.I)


class AxeChecker:
    """Runs axe-core on each page state a test acts on or ends in; collects the serious and
    critical violations (rule, target, where)."""

    def __init__(self, twin=None):
        self.twin = twin  # a JS-on page for contexts without JavaScript
        self.found: dict[tuple[str, str], set[str]] = {}
        self.seen: set[str] = set()
        self.checked = 0

    async def check(self, frame) -> None:
        """Check the document of `frame`'s page unless this very state was checked already."""
        main = frame._page.main_frame if frame._page else frame
        url = main.url
        if not url.startswith("http"):
            return
        try:
            html = await main.evaluate(
                "document.documentElement ? document.documentElement.outerHTML : null", None
            )
        except Exception as error:  # navigating right now: the next action sees the new page
            if "destroyed" in str(error) or "closed" in str(error):
                return
            raise
        if html is None:  # between two documents (a navigation committing): the same case
            return
        state = hashlib.sha256(f"{url}\n{html}".encode()).hexdigest()
        if state in self.seen:
            return
        self.seen.add(state)
        target = main
        if self.twin is not None:
            target = self.twin._impl_obj.main_frame
            page_html = await main.content(None)
            page_html = SCRIPT_TAG.sub("", page_html)
            page_html = page_html.replace("<head>", f'<head><base href="{url}">', 1)
            await target.set_content(page_html, None, "load")
        try:
            if not await target.evaluate("typeof window.axe === 'object'", None):
                await target.evaluate(AXE_SOURCE + "\n;undefined", None)
            violations = await target.evaluate(AXE_RUN, AXE_IMPACTS)
        except Exception as error:
            if "destroyed" in str(error) or "closed" in str(error):
                self.seen.discard(state)
                return
            raise
        self.checked += 1
        path = "/" + url.split("//", 1)[-1].split("/", 1)[-1]
        for v in violations:
            for node in v["targets"]:
                key = (f"{v['id']} ({v['impact']}): {v['help']}", node)
                self.found.setdefault(key, set()).add(path)

    def report(self) -> str:
        return "\n".join(
            f"- {rule}\n    target: {node}\n    on: {', '.join(sorted(paths))}"
            for (rule, node), paths in sorted(self.found.items())
        )


def _checker_of(frame) -> AxeChecker | None:
    page = frame._page
    return getattr(page.context, "_axe", None) if page is not None else None


def _checked_before(method):
    """Frame/Page action that first checks the state it is about to leave or change."""

    @functools.wraps(method)
    async def action(self, *args, **kwargs):
        frame = self if isinstance(self, FrameImpl) else self.main_frame
        checker = _checker_of(frame)
        if checker is not None:
            await checker.check(frame)
        return await method(self, *args, **kwargs)

    return action


FRAME_ACTIONS = "click dblclick tap fill select_option set_input_files type press check uncheck set_checked goto"
for _name in FRAME_ACTIONS.split():
    setattr(FrameImpl, _name, _checked_before(getattr(FrameImpl, _name)))
for _name in ("reload", "go_back", "go_forward"):
    setattr(PageImpl, _name, _checked_before(getattr(PageImpl, _name)))


def open_context(browser, **context_options):
    """A browser context whose pages are checked with axe-core as a test uses them."""
    context = browser.new_context(**context_options)
    context.set_default_timeout(10_000)
    twin = None
    if context_options.get("java_script_enabled") is False:
        twin_options = {k: v for k, v in context_options.items() if k != "java_script_enabled"}
        twin = browser.new_context(**twin_options).new_page()
    context._impl_obj._axe = AxeChecker(twin)
    return context


def finish_context(context, check: bool = True) -> None:
    """Check the last state of each open page, close the context, fail on any violation."""
    checker = context._impl_obj._axe
    if check:
        for open_page in context.pages:
            open_page.wait_for_load_state()
            open_page._sync(checker.check(open_page._impl_obj.main_frame))
    if checker.twin is not None:
        checker.twin.context.close()
    context.close()
    if checker.found:
        pytest.fail(
            "axe-core found serious or critical accessibility violations:\n" + checker.report(),
            pytrace=False,
        )


def _new_page(browser, request, **context_options):
    context = open_context(browser, **context_options)
    page = context.new_page()
    yield page
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    finish_context(context, check=not (failed is not None and failed.failed))


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
