"""Rules of the dbt project, checked on the manifest dbt parses: every model has a test of its grain,
as dbt-project-evaluator's `fct_missing_primary_key_tests` judges it with the project's
`primary_key_test_macros` var (unique and not_null on one column, a not_null constraint standing
for the not_null test, or one of the project's tests on a combination of columns)."""

from __future__ import annotations

import json
import os
from collections import defaultdict

import pytest
import yaml

from genesys_elt.warehouse import dbt as warehouse


@pytest.fixture(scope="module")
def manifest(tmp_path_factory) -> dict:
    target = tmp_path_factory.mktemp("dbt-target")
    env = {**os.environ, "GENESYS_ELT_DATA_DIR": str(target)}
    warehouse.run_dbt("parse", "--target-path", str(target), env=env)
    return json.loads((target / "manifest.json").read_text())


def grain_test_sets() -> list[set[str]]:
    project = yaml.safe_load((warehouse.PROJECT_DIR / "dbt_project.yml").read_text())
    return [set(entry) for entry in project["vars"]["primary_key_test_macros"]]


def grain_tests_by_column(manifest: dict) -> dict[str, dict[str | None, set[str]]]:
    """Per model and column (None: the model's own tests), the test macros applied, as
    ``package.test_name``; a not_null constraint counts as the not_null test."""
    found: dict[str, dict[str | None, set[str]]] = defaultdict(lambda: defaultdict(set))
    for node in manifest["nodes"].values():
        if node["resource_type"] == "test" and node.get("test_metadata"):
            macros = {m.removeprefix("macro.") for m in node["depends_on"]["macros"] if ".test_" in m}
            for model in node["depends_on"]["nodes"]:
                found[model][node.get("column_name")] |= macros
        if node["resource_type"] == "model":
            for column, spec in node["columns"].items():
                if any(c["type"] == "not_null" for c in spec.get("constraints", [])):
                    found[node["unique_id"]][column].add("dbt.test_not_null")
    return found


def models_without_a_grain_test(manifest: dict) -> list[str]:
    accepted = grain_test_sets()
    applied = grain_tests_by_column(manifest)
    return sorted(
        node["name"]
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model"
        and not any(wanted <= macros for macros in applied[node["unique_id"]].values() for wanted in accepted)
    )


def test_every_model_has_a_test_of_its_grain(manifest):
    models = [n for n in manifest["nodes"].values() if n["resource_type"] == "model"]
    assert len(models) > 40
    assert models_without_a_grain_test(manifest) == []


def test_a_model_whose_grain_test_goes_is_named(manifest):
    """Without its unique test, fact_conversation_context (not_null alone) fails the rule."""
    context = "model.genesys_journey.fact_conversation_context"
    stripped = {
        **manifest,
        "nodes": {
            uid: node
            for uid, node in manifest["nodes"].items()
            if not (
                node["resource_type"] == "test"
                and context in node["depends_on"]["nodes"]
                and node["test_metadata"]["name"] == "unique"
            )
        },
    }
    assert models_without_a_grain_test(stripped) == ["fact_conversation_context"]
