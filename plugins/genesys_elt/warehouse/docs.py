"""The dbt docs site: every model, column description and lineage edge, browsable without a server.

``dbt docs generate --static`` inlines the manifest and the catalog into one HTML file, which opens
from disk or behind Cosmos's Airflow plugin (``AIRFLOW__COSMOS__DBT_DOCS_PROJECTS``, see
``cosmos_docs_projects``). With nothing built yet the catalog is left empty (descriptions and
lineage only), and dbt compiles against a scratch DuckDB file, so no empty warehouse is left where
the real one will be."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

from ..settings import warehouse_from_env
from .dbt import run_dbt

DOCS_SLUG = "genesys_journey"
# What the site directory holds: dbt's static page as the index, and the JSON the plugin also serves.
SITE_FILES = {"static_index.html": "index.html", "manifest.json": "manifest.json", "catalog.json": "catalog.json"}


def docs_dir(env=os.environ) -> Path:
    return warehouse_from_env(env).data_dir / "docs"


def cosmos_docs_projects(env=os.environ) -> str:
    """The value of ``AIRFLOW__COSMOS__DBT_DOCS_PROJECTS`` that puts the site in Airflow's Browse menu."""
    return json.dumps({DOCS_SLUG: {"dir": str(docs_dir(env)), "index": "index.html", "name": "Warehouse docs (dbt)"}})


def write_docs(out_dir: Path | None = None, env=os.environ) -> Path:
    """Generates the site into ``out_dir`` (default ``<data dir>/docs``), each file replaced whole;
    returns the index page."""
    settings = warehouse_from_env(env)
    out_dir = Path(out_dir) if out_dir else docs_dir(env)
    with tempfile.TemporaryDirectory(prefix="genesys_docs_") as scratch:
        docs_env, catalog = dict(env), []
        if settings.target == "duckdb" and not settings.duckdb_path.exists():
            docs_env["GENESYS_ELT_WAREHOUSE"] = str(Path(scratch) / "nothing_built.duckdb")
            catalog = ["--empty-catalog"]
        target = Path(scratch) / "target"
        run_dbt("docs", "generate", "--static", *catalog, "--target-path", str(target), env=docs_env)
        out_dir.mkdir(parents=True, exist_ok=True)
        for generated, name in SITE_FILES.items():
            partial = out_dir / f".{name}.partial"
            shutil.copyfile(target / generated, partial)
            partial.replace(out_dir / name)
    return out_dir / "index.html"
