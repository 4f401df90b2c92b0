"""The dbt project's SQL keeps its style: sqlfluff with the dbt templater, by dbt_project/.sqlfluff."""

from __future__ import annotations

import shutil
import subprocess
import sys

from genesys_elt.warehouse.dbt import PROJECT_DIR
from genesys_elt.warehouse.lint import lint


def test_the_dbt_project_lints_clean():
    done = subprocess.run([sys.executable, "-m", "genesys_elt", "lint"], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "no SQL style violations" in done.stdout


def test_a_model_against_the_style_is_reported_with_its_rule(tmp_path):
    project = tmp_path / "dbt_project"
    shutil.copytree(PROJECT_DIR, project, ignore=shutil.ignore_patterns("target", "logs", "dbt_packages"))
    (project / "models" / "marts" / "off_style.sql").write_text(
        "SELECT conversation_id, customer_key\nfrom {{ ref('fact_conversation') }}\n"
        "join {{ ref('dim_customer') }} using (customer_key)\n"
    )
    violations = lint(paths=("models/marts/off_style.sql",), project_dir=project)
    codes = {line.split(": ", 1)[1].split()[0] for line in violations}
    assert {"CP01", "RF02"} <= codes, violations  # upper-case keyword; unqualified column of a join
    assert all(line.startswith("models/marts/off_style.sql:") for line in violations)
