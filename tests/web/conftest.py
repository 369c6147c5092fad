"""The web cabinet in a real browser: Debian's chromium driven by playwright, against a real
`kabinet serve` (its own SQLite file, the demo data, the in-process worker every second,
TRUSTED_DOCUMENTS=require so the page can only send its own documents).

Without /usr/bin/chromium these tests are skipped, saying how to install it (with
KABINET_REQUIRE_BROWSER=1, as .ci/run sets, they fail instead). They run once, in the
SQLite pass: the gateway they start has a database of its own whatever the suite's is."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from tests.support.cabinet import Cabinet
from tests.support.processes import ROOT, run_kabinet, running_gateway

CHROMIUM = Path("/usr/bin/chromium")
# playwright cannot download its own browser here; Debian's is launched the same way.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
INSTALL_HINT = (
    "the browser tests need Debian's chromium at /usr/bin/chromium: "
    "`apt-get install -y chromium` as root (.ci/run does it), then run them again"
)
# Every run writes its screenshots into a git-ignored folder, so a test run leaves a clean
# clone clean; KABINET_WRITE_SCREENSHOTS=1 writes them over the README's, to refresh those.
SCREENSHOTS = (
    ROOT / "docs" / "screenshots"
    if os.environ.get("KABINET_WRITE_SCREENSHOTS") == "1"
    else ROOT / "tests" / "web" / "screenshots"
)


@pytest.fixture(scope="package")  # one gateway (and its demo data) for tests/web
def cabinet(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cabinet]:
    if os.environ.get("KABINET_TEST_DATABASE_URL"):
        pytest.skip("the browser tests run in the SQLite pass (their gateway has its own database)")
    if not CHROMIUM.exists() or shutil.which("chromium") is None:
        if os.environ.get("KABINET_REQUIRE_BROWSER") == "1":
            pytest.fail(INSTALL_HINT)
        pytest.skip(INSTALL_HINT)
    folder = tmp_path_factory.mktemp("cabinet")
    env = {
        "DATABASE_URL": f"sqlite://{folder}/kabinet.sqlite3",
        "SMS_OUTBOX_PATH": str(folder / "sms-outbox.jsonl"),
        "EMAIL_OUTBOX_DIR": str(folder / "mail"),
        "EXPORT_STORAGE_DIR": str(folder / "exports"),
        "KABINET_WORKER_INTERVAL": "1",
        "KABINET_NOTIFY_INTERVAL": "1",
        "TRUSTED_DOCUMENTS": "require",
    }
    for command in (("migrate",), ("seed", "--demo")):
        done = run_kabinet(*command, env=env, timeout=180)
        assert done.returncode == 0, done.stderr
    with running_gateway(env, startup_timeout=60, args=("--with-worker",)) as gateway:
        yield Cabinet(gateway.base_url, folder / "sms-outbox.jsonl", SCREENSHOTS)


@pytest.fixture(scope="module")
async def browser(cabinet: Cabinet) -> AsyncIterator[object]:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        yield browser
        await browser.close()


@pytest.fixture(autouse=True)
def nothing_from_elsewhere(cabinet: Cabinet) -> Iterator[None]:
    """Every page (the cabinet's and GraphiQL's) loads from the gateway alone, and nothing it
    needs is blocked by its Content-Security-Policy."""
    yield
    assert cabinet.elsewhere == [], "the page asked another server"
    assert cabinet.refused_by_policy == [], "the page's own policy blocked it"
