"""genesys_elt: Genesys Cloud customer journeys into a warehouse. Importable without Airflow.

Where each concern lives:

- ``streams``: the stream registry, every stream declared once (DAG, slice days, model, PII
  rules, sources).
- ``settings``: the one settings path (connection, pseudonymization key and region, warehouse).
- ``api/``: talking to Genesys Cloud (tokens, rate budget, retries, catalogue, paging, async jobs).
- ``landing/``: the slice layout on disk, payload models, PII rules and pseudonymization, the
  atomic slice writer and reader.
- ``extract/``: what landing each stream's slice for a day means (calls, waits, skips).
- ``warehouse/``: running the dbt project, the raw-table mirror for a server warehouse, PostgreSQL.
- ``dag_support/``: what the DAG files import (defaults, hook, task functions).
- ``readers/``: the report, the timeline lookup, the run summary, identity scoring.
- ``local/``: the ``make run`` harness (a local Airflow, the sandbox, the end-to-end run).

Imports point down this list's layers: ``local`` may use everything; ``api`` and ``landing`` use
only ``errors``, ``settings`` and the registry."""

__version__ = "0.1.0"
