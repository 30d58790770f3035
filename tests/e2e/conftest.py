"""Browser fixtures: Debian's Chromium driven by Playwright for Python.

`make test` runs these tests when Debian's chromium is installed and skips them otherwise;
with CI=true a missing Chromium is a failure, so CI cannot pass without running them.
"""

import os
import re
import shutil

import pytest

from .browser import LAUNCH_ARGS, MISSING, Room


def unavailable(reason):
    """Skip locally; on CI (CI=true) a browser test that cannot run is a failure."""
    if os.environ.get("CI") == "true":
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="package")
def browser():
    """One headless Chromium for the whole e2e package (Playwright's own download is not used)."""
    executable = shutil.which("chromium")
    if executable is None:
        unavailable(MISSING)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - requirements-dev.txt installs it
        unavailable("Playwright for Python is not installed (pip install -r requirements-dev.txt)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=LAUNCH_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def room(browser, server, request):
    """The browsers of this test against the real server; closed before the server stops."""
    name = re.sub(r"[^A-Za-z0-9]+", "-", request.node.name.removeprefix("test_")).strip("-")
    room = Room(browser, server, name)
    yield room
    # Shown with a failure: a page's own error often explains a missing text.
    for problem in room.problems:
        print("browser problem:", problem)
    room.close()
