"""Extraction library for Genesys Cloud: HTTP client, endpoint catalogue, paging, raw landing.

Importable without Airflow."""

__version__ = "0.1.0"
