"""Chromium driven by Playwright against pytest-django's live server.

Debian's Chromium (/usr/bin/chromium) is used as it is: Playwright's own browser
download is never needed. `make test-e2e` installs Chromium, Java and the npm
tools (axe-core, vnu-jar) when they are missing.
"""

import re
import threading
from pathlib import Path

import pytest

from newsroom.demo.loader import load_seed_article
from tests.factories import staff_member

E2E_DIR = Path(__file__).resolve().parent
ARTIFACTS = E2E_DIR / "artifacts"
NODE_MODULES = E2E_DIR / "node_modules"
CHROMIUM = "/usr/bin/chromium"
PASSWORD = "a-long-test-passphrase"
EAGER_IMAGES = """() => Promise.all([...document.images].map(image => {
    image.loading = "eager";
    return image.decode().catch(() => null);
}))"""


@pytest.fixture(scope="session")
def browser():
    from django.db import connections
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make test-e2e`, which installs it.")
    # Playwright's synchronous API keeps an asyncio loop running in the tests' thread.
    # Django would then refuse to query from it, and would hand out new connections per
    # async context, without the test database's saved state: keep the thread's own.
    own_connections = {alias: connections[alias] for alias in connections}
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        for alias, connection in own_connections.items():
            connections[alias] = connection
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture(autouse=True)
def live_server_settings(settings):
    """Uploaded images get a URL (the live server runs with debug off); logins hash quickly."""
    settings.ROOT_URLCONF = "tests.e2e.urls"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def artifacts(request):
    """This test's folder of screenshots and saved pages (git-ignored)."""
    name = re.sub(r"[^\w.-]+", "-", request.node.name).strip("-")
    folder = ARTIFACTS / name
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.iterdir():
        old.unlink()
    return folder


class Browsing:
    """One person's browser window, numbering a screenshot of every page they see."""

    def __init__(self, browser, base_url: str, artifacts: Path, who: str):
        # The site's Content-Security-Policy must not stop the injected test scripts.
        self.context = browser.new_context(
            base_url=base_url, bypass_csp=True, viewport={"width": 1280, "height": 900}
        )
        # Generous: the machine may be busy; a wait ends as soon as its condition holds.
        self.context.set_default_timeout(30_000)
        self.page = self.context.new_page()
        self.artifacts = artifacts
        self.who = who

    def goto(self, path: str):
        response = self.page.goto(path)
        assert response is not None and response.ok, f"{path}: {response and response.status}"
        return response

    def screenshot(self, step: str, page=None):
        """Numbered in the order taken, across all of the test's windows."""
        page = page or self.page
        count = len(list(self.artifacts.glob("*.png"))) + 1
        path = self.artifacts / f"{count:02d}-{self.who}-{step}.png"
        # A full-page picture would scroll lazy images into view and fetch them mid-shot.
        page.evaluate(EAGER_IMAGES)
        page.screenshot(path=path, full_page=True)
        return path


@pytest.fixture
def open_browser(browser, live_server, artifacts):
    """Opens a fresh window (own cookies) for each person in a test: open_browser("reader")."""
    opened = []

    def open_for(who: str) -> Browsing:
        window = Browsing(browser, live_server.url, artifacts, who)
        opened.append(window)
        return window

    yield open_for
    for window in opened:
        window.context.close()
    # The server's request threads share the test's database connection: let the last
    # requests (a favicon, say) end before the database is emptied or the server stops.
    for thread in threading.enumerate():
        if thread.name.endswith("(process_request_thread)"):
            thread.join(timeout=10)


@pytest.fixture
def seed_article(django_db_serialized_rollback):
    """The demo content, loaded as `manage.py load_demo` loads it.

    Committed, so that the live server sees it; the rows that migrations made (the
    roles and their permissions) are put back before each test.
    """
    article, _ = load_seed_article()
    return article


@pytest.fixture
def staff(django_db_serialized_rollback):
    """A staff user in a role, with a password to type into the admin's login form."""

    def make(role: str):
        user = staff_member(role)
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
        return user

    return make


def admin_login(window: Browsing, user) -> None:
    """Through the admin's own login form, as a person would."""
    page = window.page
    window.goto("/admin/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("button", name="Log out").wait_for()
    window.screenshot("admin-home")
