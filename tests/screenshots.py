"""The README's picture of the dashboard, docs/img/dashboard.png: ``sim dashboard`` on a free loopback port,
``peacekeeper_ban`` compared with the baseline at scale 100, photographed by Debian's chromium through
Playwright (``make screenshots``). The browser tests start the dashboard the same way."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parent.parent
PICTURE = ROOT / "docs" / "img" / "dashboard.png"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip
ANSWER_SECONDS = 60  # how long the dashboard may take to answer its first request
COMPARISON_MS = 600_000  # how long the page may take to show the comparison
SCALE = "100"  # persons per person-agent in the pictured run
VIEWPORT = {"width": 1500, "height": 2000}  # tall enough for the tables


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serve_dashboard() -> Iterator[str]:
    """The address of ``sim dashboard`` running on a free loopback port, stopped on leaving."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "sim.commands.cli", "dashboard", "--port", str(port)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)  # fmt: skip
    first = proc.stdout.readline()
    url = f"http://127.0.0.1:{port}/"
    try:
        assert first.startswith(f"dashboard at {url}"), first
        t0 = time.time()
        while True:
            try:
                urllib.request.urlopen(url, timeout=2).close()
                break
            except OSError:
                assert time.time() - t0 < ANSWER_SECONDS and proc.poll() is None, "the dashboard did not answer"
                time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def set_input(page, cls: str, value: str) -> None:
    """Type ``value`` into the page's text field of CSS class ``cls`` and confirm it."""
    box = page.locator(f".{cls} input")
    box.fill(value)
    box.press("Enter")


def photograph(url: str, browser, picture: Path = PICTURE) -> None:
    """The page at ``url`` with peacekeeper_ban compared with the baseline, written to ``picture``."""
    page = browser.new_page(viewport=VIEWPORT)
    page.goto(url)
    page.click(".v-select")
    page.click(".v-list-item:has-text('peacekeeper_ban')")
    page.wait_for_selector("text=80% compliance")
    set_input(page, "lever-scale", SCALE)
    page.click(".compare label")
    page.click("button:has-text('Run')")
    page.wait_for_selector(".effects table", timeout=COMPARISON_MS)
    time.sleep(1)  # the last chart settles
    page.screenshot(path=str(picture), full_page=True)
    page.close()


def main() -> int:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        print(f"{CHROMIUM} is missing: apt-get install chromium", file=sys.stderr)
        return 2
    with serve_dashboard() as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            photograph(url, browser)
        finally:
            browser.close()
    print(f"wrote {PICTURE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
