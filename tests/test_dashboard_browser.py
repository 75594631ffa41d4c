"""The dashboard in a real browser: ``sim dashboard`` on a free loopback port, driven by Playwright with
Debian's chromium. A student picks a scenario, moves a lever, runs, compares, steps; the page loads
nothing from outside this machine. (``make screenshots`` writes the README's picture, docs/img/dashboard.png.)

Skipped only where chromium is missing outside CI (in CI, .ci/run installs it)."""

import os
from pathlib import Path

import pytest
from screenshots import ARGS, CHROMIUM, serve_dashboard, set_input

pytestmark = pytest.mark.slow

if not os.path.exists(CHROMIUM) and not os.environ.get("CI"):
    pytest.skip("Debian's chromium is not installed (apt-get install chromium)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def server():
    with serve_dashboard() as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def _outcomes(page) -> str:
    return page.locator(".outcomes").inner_text()


def test_a_student_runs_a_scenario_moves_a_lever_and_compares_with_the_baseline(server, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(server)

    page.click(".v-select")  # pick a scenario and read its description
    page.click(".v-list-item:has-text('peacekeeper_ban')")
    page.wait_for_selector("text=80% compliance")
    set_input(page, "lever-scale", "2000")  # tiny runs: 2,000 person-agents, six years
    set_input(page, "lever-months", "72")
    page.click("button:has-text('Run')")
    page.wait_for_selector(".outcomes table", timeout=60_000)
    page.wait_for_selector(".chart img")
    assert page.locator(".chart img").count() >= 5
    assert "2000-01 to 2005-12 (72 months)" in _outcomes(page)
    before = _outcomes(page)

    thumb = page.locator(".lever-interventions-economic_shock-strength [role=slider]")
    thumb.focus()
    for _ in range(10):  # unemployment +0.1 from the first month
        thumb.press("ArrowRight")
    page.click("button:has-text('Run')")
    page.wait_for_function("b => document.querySelector('.outcomes').innerText !== b", arg=before, timeout=60_000)
    assert _outcomes(page) != before

    page.click(".compare label")
    page.click("button:has-text('Run')")
    page.wait_for_selector(".effects table", timeout=120_000)
    effects = page.locator(".effects").inner_text()
    assert "Effects against baseline" in effects and "95% CI" in effects
    assert "persons trafficked, total" in effects and "[" in effects

    with page.expect_download() as dl:
        page.click("text=Download timeseries.csv")
    assert dl.value.suggested_filename == "timeseries.csv"
    assert Path(dl.value.path()).read_text().startswith("month,date,")

    page.click(".v-tab:has-text('months')")  # month by month, with Mesa's SolaraViz
    page.wait_for_selector("text=Month by month: peacekeeper_ban, changed")
    page.click("button:has-text('Step')")
    page.wait_for_selector("text=Time: 1.0")
    page.click("button:has-text('Step')")
    page.wait_for_selector("text=Time: 2.0")
    page.wait_for_selector(".chart img, img", timeout=30_000)

    local = ("http://127.0.0.1", "ws://127.0.0.1", "blob:http://127.0.0.1", "data:")
    outside = [u for u in requests if not u.startswith(local)]
    assert requests and outside == []  # works offline: every request goes to this machine
    page.close()


def test_two_tabs_run_their_own_scenarios_at_the_same_time(server, browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    tabs = [context.new_page(), context.new_page()]
    for tab, name in zip(tabs, ["peacekeeper_ban", "high_unemployment"]):
        tab.goto(server)
        tab.click(".v-select")
        tab.click(f".v-list-item:has-text('{name}')")
        set_input(tab, "lever-scale", "2000")
        set_input(tab, "lever-months", "48")
    for tab in tabs:  # the second starts while the first runs
        tab.click("button:has-text('Run')")
    for tab, name in zip(tabs, ["peacekeeper_ban", "high_unemployment"]):
        tab.wait_for_selector(".outcomes table", timeout=60_000)
        tab.wait_for_selector(f".status:has-text('{name}, changed: 48 months in')", timeout=60_000)
        assert tab.locator(".status").inner_text().startswith(f"{name}, changed: 48 months in")
        assert "(48 months)" in _outcomes(tab)
    assert _outcomes(tabs[0]) != _outcomes(tabs[1])  # each tab shows its own run
    context.close()
