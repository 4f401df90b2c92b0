"""Debian's headless Chromium, for the tests that open what the project writes for people to read
(the report, the docs site) the way a browser does."""

from __future__ import annotations

import shutil
import subprocess


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    assert found, "Debian's chromium package is missing (make test installs it)"
    return found


def headless(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            chromium(),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--virtual-time-budget=15000",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
