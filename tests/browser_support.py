"""What the browser tests share: `letterkit serve` on a free port, Chromium, axe-core, screenshots.

Import it after checking that chromium and playwright are installed (the tests skip otherwise).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WIDTHS = {"desktop": 1280, "phone": 390}


class Server:
    """`letterkit serve FOLDER` in a subprocess; ``link`` signs in, ``base`` is its address."""

    def __init__(self, folder: Path) -> None:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        self.folder = folder
        self.process = subprocess.Popen(
            [sys.executable, "-m", "letterkit", "serve", str(folder), "--port", "0", "--no-open"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        match = re.fullmatch(r"letterkit is running at (http://127\.0\.0\.1:(\d+)/\?token=\S+)\n", line)
        assert match, f"unexpected first line: {line!r} {self.process.stderr.read() if not line else ''}"
        self.link = match.group(1)
        self.base = self.link.split("/?")[0]

    def stop(self) -> str:
        self.process.send_signal(2)  # Ctrl-C
        out, err = self.process.communicate(timeout=30)
        assert self.process.returncode == 0, err
        return out


AXE = ROOT / "tests" / "axe" / "axe.min.js"
"""axe-core 4.14.1 (npm axe-core@4.14.1, MPL-2.0: tests/axe/LICENSE.txt), for the tests only."""


def axe(page: Any) -> list[str]:
    """The serious and critical accessibility violations axe-core finds on the page (run in the
    page through the browser's debugging protocol, so the page's CSP does not stop it)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    results = page.evaluate("() => window.axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def screenshot(page: Any, folder: Path, name: str, label: str) -> None:
    """The page as it is now, as ``folder/NAME-LABEL.png`` (the whole page)."""
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}-{label}.png"), full_page=True)
