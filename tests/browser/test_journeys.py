"""Real browser journeys: headless Chromium (Debian's) driven by Playwright against `paperradar serve`."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from paperradar.models import Paper
from paperradar.store import Store

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed (apt-get install chromium)"
    ),
]
ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

TOPICS = [
    "KV cache eviction for long context",
    "speculative decoding with draft models",
    "post-training quantization to 4-bit",
    "token merging for vision transformers",
    "protein structure prediction",
    "robot grasping with tactile sensors",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    db = tmp_path_factory.mktemp("web") / "radar.db"
    papers = [
        Paper(
            id=f"2501.{n:05d}",
            title=f"{t.capitalize()}: study {k}",
            abstract=f"We study {t}. Our method improves {t} in experiment {k}.",
            authors=[f"Author {n}"],
            categories=["cs.LG"],
            announced="2025-01-02",
        )
        for n, (t, k) in enumerate(((t, k) for t in TOPICS for k in range(4)), 1)
    ]
    with Store(db) as s:
        s.papers.write_batch(papers, source="t", now="t")
    port = _free_port()
    env = {**os.environ, "PAPERRADAR_EMBEDDER": "hashing", "PAPERRADAR_HOME": str(db.parent)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "paperradar", "--db", str(db), "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    else:
        proc.kill()
        pytest.fail("paperradar serve did not start: " + proc.stdout.read().decode()[-2000:])
    yield url
    proc.terminate()
    proc.wait(timeout=20)


@pytest.fixture(scope="module")
def page(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        ctx = browser.new_context(viewport={"width": 420, "height": 900})
        yield ctx.new_page()
        browser.close()


def _shots() -> Path | None:
    d = os.environ.get("PAPERRADAR_SCREENSHOT_DIR")
    return Path(d) if d else None


def test_search_open_like_and_see_the_ranking_change(server, page):
    page.goto(f"{server}/search?q=protein+structure")
    results = page.locator("ol.results article h3 a")
    assert results.count() > 0
    first_title = results.first.inner_text()
    assert "Protein" in first_title
    if _shots():
        page.screenshot(path=str(_shots() / "search.png"), full_page=True)
    results.first.click()
    page.wait_for_url("**/papers/*")
    paper_url = page.url
    score_before = float(page.locator("p.why").inner_text().split(":")[1].split("—")[0].split("(")[0])
    page.locator("form.feedback button.like").first.click()
    page.wait_for_function("document.querySelector('form.feedback button.like').classList.contains('on')")
    page.goto(paper_url)
    assert page.locator("form.feedback button.like").first.get_attribute("aria-pressed") == "true"
    score_after = float(page.locator("p.why").inner_text().split(":")[1].split("—")[0].split("(")[0])
    assert score_after > score_before
    if _shots():
        page.screenshot(path=str(_shots() / "paper.png"), full_page=True)


def test_front_page_digest_and_no_javascript_needed(server, page):
    page.goto(f"{server}/?date=2025-01-02")
    assert page.locator("h1").inner_text().startswith("Efficiency")
    if _shots():
        page.screenshot(path=str(_shots() / "digest.png"), full_page=True)
    page.goto(f"{server}/reports")
    page.goto(f"{server}/profiles/efficiency")
    assert "[[areas]]" in page.locator("textarea").input_value()
