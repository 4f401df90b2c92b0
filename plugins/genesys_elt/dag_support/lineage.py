"""OpenLineage for the extract tasks: the Genesys Cloud endpoints a run read (those of the source each
slice came from) as its inputs, and the raw slice directories it wrote as its outputs. The Airflow
OpenLineage provider asks an operator for these when its task completes
(``get_openlineage_facets_on_complete``) and sends them wherever its transport points."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from airflow.providers.openlineage.extractors import OperatorLineage
from openlineage.client.event_v2 import Dataset

from ..api.catalogue import AsyncQuery, catalogue
from ..landing.layout import slice_dir
from ..settings import Settings
from ..streams import stream


def endpoint_datasets(settings: Settings, stream_name: str, kinds: set[str]) -> list[Dataset]:
    """One dataset per endpoint the stream's sources of ``kinds`` call: the API's origin as the
    namespace, the path (placeholders kept: the endpoint, not one id) as the name."""
    api = urlsplit(settings.api_base)
    endpoints = catalogue(settings.endpoint_overrides)
    paths: list[str] = []
    for source in stream(stream_name).sources:
        if source.kind in kinds:
            for name in source.endpoints:
                entry = endpoints[name]
                paths += [entry.submit.path, entry.results.path] if isinstance(entry, AsyncQuery) else [entry.path]
    return [Dataset(namespace=f"{api.scheme}://{api.netloc}", name=path) for path in dict.fromkeys(paths)]


def slice_datasets(landing, landed: list[dict]) -> list[Dataset]:
    """Each landed slice: a local directory (namespace ``file``) or an object store prefix (the
    store's scheme and bucket as the namespace, as OpenLineage names object storage datasets)."""
    datasets = []
    for m in landed:
        path = slice_dir(landing, m["stream"], date.fromisoformat(str(m["date"])), m.get("part"))
        if isinstance(path, Path):
            datasets.append(Dataset(namespace="file", name=str(path)))
        else:
            bucket, _, key = path.path.partition("/")
            datasets.append(Dataset(namespace=f"{path.protocol}://{bucket}", name=key))
    return datasets


def extract_lineage(
    settings: Settings, stream_name: str, landed: list[dict], asked: str | None = None
) -> OperatorLineage:
    """What an extract task read and wrote; ``landed`` holds its slices' manifests (stream, date as
    a date or ISO text, part, source). A run that landed nothing (a campaign archived, a stream the
    org does not serve) still read the endpoints of the source it was told (``asked``), or of the
    sources the stream has."""
    kinds = {m["source"] for m in landed if m.get("source")} or ({asked} if asked else set(stream(stream_name).kinds))
    return OperatorLineage(
        inputs=endpoint_datasets(settings, stream_name, kinds), outputs=slice_datasets(settings.landing, landed)
    )
