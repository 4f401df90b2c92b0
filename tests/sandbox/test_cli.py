"""The ``genesys-sandbox`` command as an operator runs it."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest
import requests

SANDBOX = [sys.executable, "-m", "genesys_sandbox"]


def test_default_org_serves_within_30_seconds():
    """2,000 customers over 30 days, the documented default, from process start to a healthy answer."""
    started = time.monotonic()
    proc = subprocess.Popen(
        SANDBOX
        + ["serve", "--port", "0", "--seed", "42", "--customers", "2000", "--days", "30", "--end-date", "2026-11-21"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        line = proc.stdout.readline()
        assert line.startswith("genesys-sandbox listening on http://127.0.0.1:"), line
        url = line.split()[-1]
        status = None
        while time.monotonic() - started < 30:
            status = requests.get(f"{url}/sandbox/health", timeout=5)
            if status.status_code == 200:
                break
            time.sleep(0.2)
        elapsed = time.monotonic() - started
        assert status is not None and status.status_code == 200, "not healthy within 30 s"
        assert status.json()["customers"] == 2000 and status.json()["days"] == 30
        print(f"default org healthy after {elapsed:.1f}s")
        token = requests.post(
            f"{url}/oauth/token",
            data={"grant_type": "client_credentials"},
            auth=("sandbox", "sandbox-secret"),
            timeout=5,
        ).json()["access_token"]
        campaigns = requests.get(
            f"{url}/api/v2/predictive-engagement/campaigns", headers={"Authorization": f"Bearer {token}"}, timeout=5
        )
        assert campaigns.status_code == 200 and campaigns.json()["total"] >= 5
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_truth_is_written_and_repeatable(tmp_path):
    args = ["truth", "--seed", "3", "--customers", "150", "--days", "5", "--end-date", "2026-11-21"]
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    for out in (first, second):
        subprocess.run(SANDBOX + args + ["--out", str(out)], check=True, timeout=120)
    assert first.read_bytes() == second.read_bytes()
    truth = json.loads(first.read_text())
    assert {"owner", "resolvable", "traps", "campaigns", "scorecards", "counts"} <= set(truth)
    assert truth["config"] == {
        "seed": 3,
        "customers": 150,
        "days": 5,
        "firstDay": "2026-11-17",
        "lastDay": "2026-11-21",
    }


@pytest.mark.parametrize(
    "args",
    [
        ["serve", "--fault-rate", "2"],
        ["serve", "--end-date", "yesterday"],
        ["serve", "--client", "no-secret"],
        ["serve", "--customers", "0"],
        ["truth", "--seed", "1"],
        ["launch"],
    ],
)
def test_bad_arguments_get_one_line_and_a_non_zero_exit(args):
    result = subprocess.run(SANDBOX + args, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "error:" in lines[0], result.stderr
