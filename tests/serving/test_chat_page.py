"""The chat page at /, end to end in headless Chromium: the answer streams in, steps fold away."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from react_core.serving import Service

from .conftest import ANSWER, SlowBackend, demo_registry, start

CHROMIUM = Path("/usr/bin/chromium")
DRIVER = Path(shutil.which("chromedriver") or "/usr/bin/chromedriver")

pytestmark = pytest.mark.skipif(not (CHROMIUM.exists() and DRIVER.exists()),
                                reason="needs Debian's chromium and chromium-driver (scripts/install_browser.sh)")


@pytest.fixture()
def browser():
    webdriver = pytest.importorskip("selenium.webdriver", reason="needs selenium (pip install selenium)")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-first-run", "--disable-extensions"):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(executable_path=str(DRIVER)))
    driver.set_page_load_timeout(20)
    try:
        yield driver
    finally:
        driver.quit()


def test_the_page_streams_the_answer_and_folds_the_steps(browser) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    server = start(Service(SlowBackend(delay=0.03), demo_registry()))  # type: ignore[arg-type]
    try:
        browser.get(server.url + "/")
        wait = WebDriverWait(browser, 20)
        wait.until(lambda d: len(Select(d.find_element(By.ID, "model")).options) == 3)
        Select(browser.find_element(By.ID, "model")).select_by_value("guide")
        browser.find_element(By.ID, "q").send_keys("What is the answer?")
        browser.find_element(By.ID, "send").click()
        reply = wait.until(lambda d: d.find_element(By.CSS_SELECTOR, ".msg.assistant"))
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, ".msg.assistant .step"))
        assert reply.get_attribute("data-done") is None  # the first step showed while the run went on
        wait.until(lambda d: reply.get_attribute("data-done"))
        assert reply.get_attribute("data-done") == "1"
        assert reply.find_element(By.CLASS_NAME, "answer").text == ANSWER
        details = reply.find_element(By.TAG_NAME, "details")
        assert details.get_attribute("open") is None  # folded
        kinds = [s.get_attribute("data-kind") for s in reply.find_elements(By.CLASS_NAME, "step")]
        assert kinds == ["thought", "action", "observation", "thought"]
        steps = browser.execute_script("return arguments[0].textContent", details)
        assert "Action: lookup[the question]" in steps and "forty-two" in steps
        assert "[d1] The Guide" in reply.find_element(By.CLASS_NAME, "citations").text
        assert browser.find_element(By.CSS_SELECTOR, ".msg.user").text == "What is the answer?"
    finally:
        server.stop()
