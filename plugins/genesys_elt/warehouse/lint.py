"""SQL style: sqlfluff with its dbt templater over the dbt project's models and singular tests, by
the rules in ``dbt_project/.sqlfluff`` (which says why each excluded rule does not fit the project).

dbt compiles each model as for a first build, against a scratch DuckDB file and an empty landing
area, because a few macros query the warehouse while compiling; the real warehouse, the landing
area and the project's ``target/`` are left alone."""

from __future__ import annotations

import json
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

from ..landing.layout import dbt_vars
from .dbt import PROJECT_DIR

LINTED = ("models", "tests")


@contextmanager
def _scratch_environment(scratch: Path):
    saved = dict(os.environ)
    os.environ.update(
        GENESYS_ELT_DATA_DIR=str(scratch),
        GENESYS_ELT_WAREHOUSE=str(scratch / "lint.duckdb"),
        GENESYS_ELT_DBT_TARGET="duckdb",
    )
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def _templater_config(scratch: Path) -> Path:
    """The dbt templater's settings that are not style: the landing layout var (nested, so in TOML,
    the one config format sqlfluff reads nested values from) and a target path of its own."""
    lines = ["[tool.sqlfluff.templater.dbt]", f"target_path = {json.dumps(str(scratch / 'target'))}"]
    for var, table in dbt_vars().items():
        lines.append(f"[tool.sqlfluff.templater.dbt.context.{var}]")
        lines += [f"{key} = {json.dumps(value)}" for key, value in table.items()]
    path = scratch / "pyproject.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def lint(paths: tuple[str, ...] = LINTED, project_dir: Path = PROJECT_DIR) -> list[str]:
    """Every violation as ``path:line: CODE description``, paths relative to the project."""
    from sqlfluff.core import FluffConfig, Linter

    with tempfile.TemporaryDirectory(prefix="genesys_lint_") as scratch_dir:
        scratch = Path(scratch_dir)
        with _scratch_environment(scratch):
            config = FluffConfig.from_path(
                str(project_dir), extra_config_path=str(_templater_config(scratch)), overrides={"templater": "dbt"}
            )
            config.set_value(["templater", "dbt", "project_dir"], str(project_dir))
            config.set_value(["templater", "dbt", "profiles_dir"], str(project_dir))
            result = Linter(config=config).lint_paths(tuple(str(project_dir / path) for path in paths))
    return [
        f"{Path(record['filepath']).relative_to(project_dir)}:{violation['start_line_no']}: "
        f"{violation['code']} {violation['description']}"
        for record in result.as_records()
        for violation in record["violations"]
    ]
