"""The dbt docs site: `make docs` from a fresh clone (nothing built, nothing landed), opened in
headless Chromium the way an analyst opens it, and served by Cosmos's Airflow plugin."""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from genesys_elt.warehouse.dbt import MART_TABLES
from tests.browser import headless

PROJECT = "genesys_journey"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("docs_data")
    env = {**os.environ, "GENESYS_ELT_DATA_DIR": str(data_dir), "GENESYS_ELT_DBT_TARGET": "duckdb"}
    env.pop("GENESYS_ELT_WAREHOUSE", None)
    done = subprocess.run(
        [sys.executable, "-m", "genesys_elt", "docs"], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    index = data_dir / "docs" / "index.html"
    assert json.loads(done.stdout) == {"docs": str(index)}
    return {
        "data_dir": data_dir,
        "index": index,
        "env": env,
        "manifest": json.loads((index.parent / "manifest.json").read_text()),
    }


def _shown(url: str) -> str:
    """The page's DOM once its scripts ran, without them (the static site inlines the manifest)."""
    return re.sub(r"<(script|style)\b.*?</\1>", " ", headless("--dump-dom", url).stdout, flags=re.S)


def _text(dom: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", dom)).split())


def _plain(markdown: str) -> str:
    return " ".join(re.sub(r"[`*]", "", markdown).split())


def test_docs_from_nothing_leave_no_empty_warehouse_behind(site):
    assert not (site["data_dir"] / "warehouse.duckdb").exists()
    assert {path.name for path in site["index"].parent.iterdir()} == {"index.html", "manifest.json", "catalog.json"}


def test_the_site_lists_every_mart_and_shows_each_column_with_its_description(site):
    marts = {
        node["name"]: node
        for node in site["manifest"]["nodes"].values()
        if node["resource_type"] == "model" and node["fqn"][1] == "marts"
    }
    assert set(marts) == set(MART_TABLES)
    for name, node in marts.items():
        assert node["description"], f"{name} has no description"
        undescribed = [column for column, spec in node["columns"].items() if not spec["description"].strip()]
        assert node["columns"] and not undescribed, f"{name}: columns without a description: {undescribed}"

    tree = _shown(site["index"].as_uri())  # the project tree names every model it renders
    assert {name for name in marts if f'data-nav-unique-id="model.{PROJECT}.{name}"' in tree} == set(marts)
    urls = [f"{site['index'].as_uri()}#!/model/model.{PROJECT}.{name}" for name in marts]
    with ThreadPoolExecutor(max_workers=2) as pool:
        pages = dict(zip(marts, (_plain(_text(dom)) for dom in pool.map(_shown, urls))))
    for name, node in marts.items():
        assert _plain(node["description"])[:60] in pages[name], f"{name}: its description is not shown"
        for column, spec in node["columns"].items():
            # dbt renders markdown: compare the description's words, without its emphasis marks
            assert column in pages[name] and _plain(spec["description"])[:50] in pages[name], (
                f"{name}.{column} is not shown"
            )


def test_cosmos_plugin_serves_the_site_in_airflows_browse_menu(site, monkeypatch):
    from fastapi.testclient import TestClient

    from genesys_elt.warehouse.docs import DOCS_SLUG, cosmos_docs_projects

    monkeypatch.setenv("AIRFLOW__COSMOS__DBT_DOCS_PROJECTS", cosmos_docs_projects(site["env"]))
    from cosmos.plugin.airflow3 import CosmosAF3Plugin, create_cosmos_fastapi_app

    client = TestClient(create_cosmos_fastapi_app())
    page = client.get(f"/{DOCS_SLUG}/dbt_docs_index.html")
    assert page.status_code == 200 and "fact_predictive_journey" in page.text
    assert client.get(f"/{DOCS_SLUG}/manifest.json").json()["metadata"]["project_name"] == PROJECT
    views = CosmosAF3Plugin().external_views
    assert [(view["name"], view["href"].endswith(f"/cosmos/{DOCS_SLUG}/dbt_docs_index.html")) for view in views] == [
        ("Warehouse docs (dbt)", True)
    ]
