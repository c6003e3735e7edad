"""The report in a real browser: headless Chromium opens it from disk (file://), with no network.

Chromium is driven over the DevTools protocol through ``--remote-debugging-pipe`` (file descriptors 3
and 4, NUL-separated JSON messages), so the test needs only the standard library and the Debian package
``chromium``; nothing is downloaded. Checked: no console error or exception (a CSP violation is one),
the stylesheet beside the page applies, every chart drew its SVG, no hostile post, handle or display
name ran as script, hostile text shows as text in tables and in a Plotly hover label, and column sorting
works. Screenshots are written to the test's temporary folder (path printed; ``MOBTRACE_ARTIFACTS=DIR``
copies them there too).
"""

from __future__ import annotations

import base64
import json
import os
import select
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from mobtrace.dashboards.report import write_report

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("MOBTRACE_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-extensions", "--remote-debugging-pipe"]


class Chromium:
    """A headless Chromium and one page, spoken to over the DevTools pipe."""

    def __init__(self, executable: str, profile: Path, log: Path) -> None:
        to_browser_read, self._out = os.pipe()
        self._in, from_browser_write = os.pipe()

        def arrange_pipes() -> None:  # the browser reads commands on fd 3 and writes replies on fd 4
            os.dup2(to_browser_read, 3)
            os.dup2(from_browser_write, 4)

        self._log = open(log, "wb")
        self.process = subprocess.Popen(
            [executable, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
            preexec_fn=arrange_pipes, pass_fds=(3, 4), stdin=subprocess.DEVNULL, stdout=self._log, stderr=self._log,
        )
        os.close(to_browser_read)
        os.close(from_browser_write)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict] = []
        self.session: str | None = None

    def send(self, method: str, params: dict | None = None, timeout: float = 15, page: bool = True) -> dict:
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params or {}}
        if page and self.session:
            message["sessionId"] = self.session
        os.write(self._out, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            reply = self._receive(deadline)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def _receive(self, deadline: float) -> dict:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("Chromium did not answer in time")
            ready, _, _ = select.select([self._in], [], [], left)
            if ready:
                chunk = os.read(self._in, 1 << 20)
                if not chunk:
                    raise EOFError("Chromium closed the DevTools pipe")
                self._buffer += chunk
        raw, _, self._buffer = self._buffer.partition(b"\0")
        return json.loads(raw)

    def open_page(self, width: int = 1366, height: int = 900) -> None:
        target = self.send("Target.createTarget", {"url": "about:blank"}, page=False)["targetId"]
        self.session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True}, page=False)["sessionId"]
        for domain in ("Runtime.enable", "Log.enable", "Page.enable"):
            self.send(domain)
        self.send("Emulation.setDeviceMetricsOverride", {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})

    def evaluate(self, expression: str) -> object:
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True})
        if "exceptionDetails" in result:
            raise RuntimeError(f"script failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, expression: str, timeout: float = 15) -> None:
        deadline = time.monotonic() + timeout
        while not self.evaluate(expression):
            if time.monotonic() > deadline:
                raise TimeoutError(f"waited {timeout} s for {expression}")
            time.sleep(0.1)

    def screenshot(self, path: Path, y: float = 0, height: float = 900, width: float = 1366) -> Path:
        shot = self.send("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True,
                                                    "clip": {"x": 0, "y": y, "width": width, "height": height, "scale": 1}}, timeout=30)
        path.write_bytes(base64.b64decode(shot["data"]))
        return path

    def problems(self) -> list[str]:
        """Console errors, uncaught exceptions and browser log errors (CSP violations, failed loads)."""
        found = []
        for event in self.events:
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.exceptionThrown":
                found.append(json.dumps(params["exceptionDetails"])[:500])
            elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                found.append(json.dumps(params.get("args"))[:500])
            elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
                found.append(params["entry"]["text"][:500])
        return found

    def close(self) -> None:
        try:
            self.send("Browser.close", timeout=5, page=False)
        except Exception:
            pass
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)
        os.close(self._out)
        os.close(self._in)
        self._log.close()


HOVER_HOSTILE_NODE = """(() => {
  for (const div of document.querySelectorAll('div.plot')) {
    const data = div.data || [];
    for (let c = 0; c < data.length; c++) {
      const labels = data[c].hovertext || [];
      for (let p = 0; p < labels.length; p++) {
        if (String(labels[p]).includes('&lt;/script&gt;')) {
          div.scrollIntoView();
          Plotly.Fx.hover(div, [{curveNumber: c, pointNumber: p}]);
          const layer = div.querySelector('.hoverlayer');
          return layer ? layer.textContent : '';
        }
      }
    }
  }
  return null;
})()"""


@pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium is not installed (Debian package 'chromium'); CI installs it")
def test_report_renders_offline_and_runs_no_injected_script(hostile_con, hostile, tmp_path):
    folder = tmp_path / "report"
    page = write_report(hostile_con, folder)
    browser = Chromium(CHROMIUM, tmp_path / "profile", tmp_path / "chromium.log")
    shots: list[Path] = []
    try:
        browser.open_page()
        browser.send("Page.navigate", {"url": page.resolve().as_uri()})
        browser.wait_for("document.body && document.body.getAttribute('data-plots-done') === '1'")
        plots = browser.evaluate("document.querySelectorAll('div.plot').length")
        drawn = browser.evaluate("Array.from(document.querySelectorAll('div.plot')).filter(d => d.querySelector('.main-svg')).length")
        assert plots > 0 and drawn == plots
        assert browser.evaluate("getComputedStyle(document.querySelector('header.top')).backgroundColor") == "rgb(17, 34, 51)"
        assert browser.evaluate("document.querySelectorAll('.main-svg').length") >= plots

        # Nothing hostile ran: the payloads would set window.__pwned or the title.
        assert browser.evaluate("typeof window.__pwned") == "undefined"
        assert browser.evaluate("document.title") == "mobtrace campaign report"
        text = browser.evaluate("document.body.innerText")
        assert hostile.SCRIPT_POST in text and "@" + hostile.HOSTILE_HANDLE in text and hostile.HOSTILE_DISPLAY in text
        scripts_before = browser.evaluate("document.scripts.length")

        shots.append(browser.screenshot(tmp_path / "report-top.png"))
        top = browser.evaluate("document.getElementById('campaign-C001').getBoundingClientRect().top + window.scrollY")
        shots.append(browser.screenshot(tmp_path / "report-campaign.png", y=top, height=2400))

        # A Plotly hover label shows the hostile handle as text and adds no element.
        label = browser.evaluate(HOVER_HOSTILE_NODE)
        assert label is not None and "@" + hostile.HOSTILE_HANDLE in label
        assert browser.evaluate("document.scripts.length") == scripts_before
        assert browser.evaluate("typeof window.__pwned") == "undefined"
        shots.append(browser.screenshot(tmp_path / "report-hover.png",
                                        y=browser.evaluate("window.scrollY"), height=900))

        # Sorting: clicking the score header orders the account table.
        order = browser.evaluate("""(() => {
          const table = document.querySelector('#campaign-C001 table.sortable:last-of-type');
          const tables = document.querySelectorAll('#campaign-C001 table.sortable');
          const accounts = tables[tables.length - 1];
          const headers = Array.from(accounts.tHead.rows[0].cells);
          const score = headers.findIndex(th => th.textContent.startsWith('score'));
          headers[score].querySelector('button').click();
          const values = Array.from(accounts.tBodies[0].rows).map(r => parseFloat(r.cells[score].dataset.value));
          return [headers[score].getAttribute('aria-sort'), values];
        })()""")
        assert order[0] == "ascending" and order[1] == sorted(order[1])

        assert browser.problems() == []
    finally:
        browser.close()
        artifacts = os.environ.get("MOBTRACE_ARTIFACTS")
        for shot in shots:
            if artifacts:
                Path(artifacts).mkdir(parents=True, exist_ok=True)
                shutil.copy(shot, Path(artifacts) / shot.name)
            print(f"screenshot: {shot}")


BIDI_LAYOUT = """(() => {
  const cells = Array.from(document.querySelectorAll('td')).filter(td => td.textContent.includes('strongest tie: @evil'));
  const digits = [];
  for (const td of cells) {
    const walker = document.createTreeWalker(td, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const at = node.data.indexOf('median gap 2.0');
      if (at < 0) { continue; }
      const lefts = [0, 1, 2].map(k => {
        const range = document.createRange();
        range.setStart(node, at + 11 + k);
        range.setEnd(node, at + 12 + k);
        return range.getBoundingClientRect().left;
      });
      digits.push(lefts);
    }
  }
  const wraps = Array.from(document.querySelectorAll('section.campaign .table-wrap'));
  return {
    cells: cells.length,
    digits: digits,
    raw_controls: /[\\u061c\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069]/.test(document.body.textContent),
    spoof_shown: document.body.innerText.includes('natasha[U+202E]gnp.exe[U+202C]'),
    widest_overflow: Math.max(...wraps.map(w => w.scrollWidth - w.clientWidth)),
  };
})()"""


@pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium is not installed (Debian package 'chromium'); CI installs it")
def test_a_right_to_left_override_in_a_handle_does_not_reverse_the_sentence(bidi_con, tmp_path):
    """Issue 18: a handle ending in U+202E named in an evidence sentence must not reverse the numbers after it
    ("median gap 2.0 s" read as "0.2"), a spoofing handle shows its controls, and a 3,000-character handle
    does not push the tables sideways."""
    page = write_report(bidi_con, tmp_path / "report")
    browser = Chromium(CHROMIUM, tmp_path / "profile", tmp_path / "chromium.log")
    try:
        browser.open_page()
        browser.send("Page.navigate", {"url": page.resolve().as_uri()})
        browser.wait_for("document.body && document.body.getAttribute('data-plots-done') === '1'")
        layout = browser.evaluate(BIDI_LAYOUT)
        assert layout["cells"] >= 2 and len(layout["digits"]) == layout["cells"], layout
        for lefts in layout["digits"]:  # "2", ".", "0" from left to right, as written
            assert lefts[0] < lefts[1] < lefts[2], layout
        assert not layout["raw_controls"] and layout["spoof_shown"], layout
        assert layout["widest_overflow"] <= 1, layout
        browser.screenshot(tmp_path / "report-bidi.png")
        assert browser.problems() == []
    finally:
        browser.close()
