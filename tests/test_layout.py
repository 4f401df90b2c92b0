"""The package's shape: each subpackage imports only what its docstring allows, and the landing
area's layout is spelled in one module."""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "plugins" / "genesys_elt"
# What each subpackage must not import (its docstring says the same in words).
FORBIDDEN = {
    "api": {"landing", "extract", "warehouse", "dag_support", "readers", "local", "streams"},
    "landing": {"api", "extract", "warehouse", "dag_support", "readers", "local"},
    "extract": {"warehouse", "dag_support", "readers", "local"},
    "warehouse": {"api", "extract", "dag_support", "readers", "local"},
    "dag_support": {"warehouse", "readers", "local"},
    "readers": {"api", "extract", "dag_support", "local"},
}
SUBPACKAGES = sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists())


def _imported_subpackages(path: Path) -> set[str]:
    """The genesys_elt modules a file imports, by their first component under the package."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level == 2 and node.module:  # from ..x import y
                found.add(node.module.split(".")[0])
            elif node.level == 2:  # from .. import x
                found.update(alias.name for alias in node.names)
            elif node.level == 0 and (node.module or "").startswith("genesys_elt."):
                found.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            found.update(a.name.split(".")[1] for a in node.names if a.name.startswith("genesys_elt."))
    return found


def test_every_subpackage_has_a_rule_and_a_docstring_that_says_what_it_owns():
    assert set(SUBPACKAGES) == set(FORBIDDEN) | {"local"}
    for name in SUBPACKAGES:
        doc = " ".join((importlib.import_module(f"genesys_elt.{name}").__doc__ or "").split())
        assert len(doc.split()) > 30 and "must not" in doc or name == "local" and "nothing else imports it" in doc


@pytest.mark.parametrize("subpackage", sorted(FORBIDDEN))
def test_a_subpackage_imports_only_what_its_docstring_allows(subpackage):
    for path in sorted((PACKAGE / subpackage).glob("*.py")):
        wrong = _imported_subpackages(path) & FORBIDDEN[subpackage]
        assert not wrong, f"{path.relative_to(ROOT)} imports {sorted(wrong)}"


def test_nothing_imports_the_local_harness_but_the_cli():
    for path in PACKAGE.rglob("*.py"):
        if path.parent.name != "local" and path.name != "cli.py":
            assert "local" not in _imported_subpackages(path), path


LAYOUT_WORDS = re.compile(
    r"raw/genesys|raw\" ?/ ?\"genesys|_manifest\.json|rejects\.jsonl|(?<![a-z])_skips\b|page-\*|date=\*|part=\*"
)


def test_the_landing_layout_is_spelled_only_in_landing_layout():
    """Every other module and the dbt project take the layout from genesys_elt.landing.layout (dbt
    through the genesys_landing var)."""
    spelled = []
    for path in [
        *PACKAGE.rglob("*.py"),
        *(ROOT / "dbt_project").rglob("*.sql"),
        *(ROOT / "dbt_project").rglob("*.yml"),
        *(ROOT / "dags").glob("*.py"),
    ]:
        if "target" in path.parts or path == PACKAGE / "landing" / "layout.py":
            continue
        code = "\n".join(line for line in path.read_text().splitlines() if not line.lstrip().startswith(("#", "--")))
        if LAYOUT_WORDS.search(code):
            spelled.append(str(path.relative_to(ROOT)))
    assert spelled == []
