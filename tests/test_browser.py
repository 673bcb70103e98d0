"""The HTML report in a real headless Chromium: figures load, tables fill, article text stays text.

Needs Debian's ``chromium`` and ``chromium-driver`` (``.ci/run`` installs them). Without them the
test fails with a message saying what to install: the report's safety is not optional.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import struct
from pathlib import Path

import pandas as pd
import pytest

from stance.diff import detect_shifts
from stance.report.render import ReportData, write_report
from stance.timeline import build_timeline
from tests.synthetic import load_documents, load_scored

HOSTILE = (
    "Fine <script>document.title='pwned'</script> and "
    "<img src=x onerror=\"document.title='pwned'\"> we will tax carbon."
)
PERIODS = pd.DataFrame(
    [
        {"name": "Varga administration", "start": "2019-01-15", "end": "2023-01-15"},
        {"name": "Brandt administration", "start": "2023-01-15", "end": None},
    ]
)
CHROME_FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1280,1600",
)


def _find(env: str, *names: str) -> str:
    """Path of a browser program: ``$env`` if set, else the first of ``names`` on PATH."""
    candidates = [os.environ[env]] if os.environ.get(env) else list(names)
    for name in candidates:
        found = shutil.which(name) or shutil.which(name, path="/usr/bin")
        if found:
            return found
    pytest.fail(
        f"{candidates[0]} not found: install Chromium and its driver "
        "(`apt-get install -y chromium chromium-driver`; .ci/run does this in CI) "
        f"or point {env} at the program",
        pytrace=False,
    )


def _report(out: Path) -> tuple[ReportData, Path]:
    """Write the Norland report from the hand-scored claims, one article carrying markup."""
    docs = load_documents()
    claims, scores = load_scored()
    first = claims[0]
    doc = docs[first.doc_id]
    # the article's own text carries the hostile quote, and the claim points at it
    text = doc.text[: first.start_char] + HOSTILE + doc.text[first.end_char :]
    delta = len(HOSTILE) - (first.end_char - first.start_char)
    docs[doc.id] = dataclasses.replace(doc, text=text, title=f"Tax {HOSTILE}")
    for i, c in enumerate(claims):
        if c.doc_id != doc.id:
            continue
        if i == 0:
            claims[i] = dataclasses.replace(c, text=HOSTILE, end_char=c.start_char + len(HOSTILE))
        elif c.start_char >= first.end_char:
            claims[i] = dataclasses.replace(
                c, start_char=c.start_char + delta, end_char=c.end_char + delta
            )
        scores[i] = dataclasses.replace(scores[i], claim_id=claims[i].id)
    assert all(text[c.start_char : c.end_char] == c.text for c in claims if c.doc_id == doc.id)

    timeline = build_timeline(claims, scores, docs)
    timeline["government_name"] = "Norland executive"
    shifts = detect_shifts(
        timeline[timeline["administration"] == "varga"],
        timeline[timeline["administration"] == "brandt"],
        names={"norland-executive": "Norland executive"},
        min_confidence=0.3,
    )
    summary = {
        "generated": "2026-01-01T00:00:00+00:00",
        "stance_version": "test",
        "model": {"name": "m", "sha256": "0" * 64},
        "codebook": {"name": "norland", "version": "1", "sha256": "1" * 64},
        "actors": {"name": "norland", "version": "1", "sha256": "2" * 64},
        "documents": len(docs),
        "documents_new": len(docs),
        "documents_skipped": 0,
        "documents_rejected": 0,
        "claims": len(timeline),
        "claims_linked": len(timeline),
        "shifts_new": len(shifts),
        "min_confidence": 0.3,
    }
    data = ReportData(
        title="Norland browser check",
        summary=summary,
        shifts=shifts,
        claims=timeline.rename(columns={"label": "stance"}),
        timeline=timeline,
        periods=PERIODS,
        topic_labels={"norland-carbon-tax": "Carbon tax"},
        heatmap=pd.DataFrame(
            {"Carbon tax": [-0.9], "Regional trade pact": [0.8]}, index=["Norland executive"]
        ),
    )
    return data, write_report(data, out)["html"]


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "screenshot is not a PNG"
    return struct.unpack(">II", data[16:24])


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    """The report opened in headless Chromium; yields (driver, report data, tmp folder)."""
    chromium = _find("STANCE_CHROMIUM", "chromium", "chromium-browser")
    chromedriver = _find("STANCE_CHROMEDRIVER", "chromedriver")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    tmp = tmp_path_factory.mktemp("browser")
    data, html = _report(tmp / "report")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in CHROME_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp / 'profile'}")
    # explicit driver path: Selenium Manager is never asked to download anything
    driver = webdriver.Chrome(options=options, service=Service(executable_path=chromedriver))
    try:
        driver.set_page_load_timeout(20)
        driver.get(html.as_uri())
        yield driver, data, tmp
    finally:
        driver.quit()


def test_figures_load_and_are_visible(page):
    driver, data, _ = page
    from selenium.webdriver.common.by import By

    images = driver.find_elements(By.TAG_NAME, "img")
    topics = data.timeline["topic"].nunique()
    assert len(images) == 1 + topics  # the heatmap and one timeline per topic
    for img in images:
        name = img.get_attribute("alt")
        assert driver.execute_script("return arguments[0].complete", img), name
        assert driver.execute_script("return arguments[0].naturalWidth", img) > 0, name
        assert img.is_displayed(), name
        assert img.size["width"] > 100 and img.size["height"] > 50, name


def test_shift_and_claim_tables_have_the_expected_rows(page):
    driver, data, _ = page
    from selenium.webdriver.common.by import By

    sections = driver.find_elements(By.CSS_SELECTOR, "section.shift")
    assert len(sections) == len(data.shifts)
    for section, shift in zip(sections, data.shifts, strict=True):
        assert f": {shift.change}" in section.find_element(By.TAG_NAME, "h3").text
        rows = section.find_elements(By.CSS_SELECTOR, "tr:has(td)")
        assert len(rows) == len(shift.evidence_before) + len(shift.evidence_after)
    heading = sections[[s.change for s in data.shifts].index("reversal")]
    assert "favor → against" in heading.find_element(By.TAG_NAME, "h3").text
    new = data.shifts[[s.change for s in data.shifts].index("new")]
    heading = sections[data.shifts.index(new)]
    # a new position names its side in the heading and its position beneath, as report.md does
    assert f"new ({new.after_stance})" in heading.find_element(By.TAG_NAME, "h3").text
    assert f"Position now {new.after_position:+.2f} ({new.n_after} statements)" in heading.text

    table = driver.find_element(By.XPATH, "//h2[@id='claims']/following-sibling::table[1]")
    rows = table.find_elements(By.CSS_SELECTOR, "tr:has(td)")
    assert len(rows) == len(data.claims)
    labels = {data.topic_labels.get(t, t) for t in data.claims["topic"]}
    assert {r.find_elements(By.TAG_NAME, "td")[2].text for r in rows} == labels


def test_hostile_article_text_is_shown_as_text_and_never_runs(page):
    driver, _, _ = page
    from selenium.webdriver.common.by import By

    assert driver.title == "Norland browser check"
    assert driver.execute_script("return document.title") != "pwned"
    assert driver.find_elements(By.TAG_NAME, "script") == []
    assert driver.find_elements(By.CSS_SELECTOR, "img[onerror]") == []
    assert all(
        i.get_attribute("src").startswith("data:image/png")
        for i in driver.find_elements(By.TAG_NAME, "img")
    )
    body = driver.find_element(By.TAG_NAME, "body").text
    assert "<script>document.title='pwned'</script>" in body
    assert "<img src=x onerror=\"document.title='pwned'\">" in body
    quotes = [q for q in driver.find_elements(By.TAG_NAME, "blockquote") if "<script>" in q.text]
    assert quotes and all(q.is_displayed() for q in quotes)


def test_screenshot_is_a_real_picture(page):
    driver, _, tmp = page
    shot = tmp / "report.png"
    assert driver.save_screenshot(str(shot))
    data = shot.read_bytes()
    width, height = _png_size(data)
    assert width >= 800 and height >= 600
    assert len(data) > 20_000  # a blank page compresses to a few kB

    import matplotlib.image as mpimg

    pixels = mpimg.imread(shot)
    assert pixels.std() > 0.05  # text, tables and figures, not one flat colour
