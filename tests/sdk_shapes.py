"""Checks a JSON payload against a model of the official Genesys Cloud Python SDK
(PureCloudPlatformClientV2): every field must be one the model declares, with the declared type and,
for enums, an allowed value. The model sources are read as text: importing the SDK takes seconds."""

from __future__ import annotations

import ast
import importlib.util
import re
from datetime import datetime
from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=1)
def _models_dir() -> Path:
    spec = importlib.util.find_spec("PureCloudPlatformClientV2")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("PureCloudPlatformClientV2 is not installed (requirements-dev.txt)")
    return Path(list(spec.submodule_search_locations)[0]) / "models"


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name).lower()


@lru_cache(maxsize=None)
def model_spec(model: str) -> tuple[dict[str, str], dict[str, list[str]]]:
    """{json field: swagger type}, {json field: allowed values} for one SDK model."""
    source = (_models_dir() / f"{_snake(model)}.py").read_text()
    tree = ast.parse(source)
    types = attrs = None
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Attribute):
            if node.targets[0].attr == "swagger_types":
                types = ast.literal_eval(node.value)
            elif node.targets[0].attr == "attribute_map":
                attrs = ast.literal_eval(node.value)
    if types is None or attrs is None:
        raise ValueError(f"{model}: no swagger_types/attribute_map found")
    enums: dict[str, list[str]] = {}
    for match in re.finditer(
        r"def (\w+)\(self, \w+: [\w\[\], ']+\) -> None:(?:(?!\n    def ).)*?allowed_values = (\[.*?\])", source, re.S
    ):
        if match.group(1) in attrs:
            enums[attrs[match.group(1)]] = ast.literal_eval(match.group(2))
    return {attrs[k]: v for k, v in types.items()}, enums


def conformance_errors(payload: object, model: str, path: str = "$") -> list[str]:
    if not isinstance(payload, dict):
        return [f"{path}: expected an object for {model}, got {type(payload).__name__}"]
    fields, enums = model_spec(model)
    errors: list[str] = []
    for key, value in payload.items():
        if key not in fields:
            errors.append(f"{path}.{key}: not a field of {model}")
        elif value is not None:
            errors.extend(_type_errors(value, fields[key], f"{path}.{key}"))
            if key in enums and isinstance(value, str) and value.lower() not in map(str.lower, enums[key]):
                errors.append(f"{path}.{key}: {value!r} is not an allowed value")
    return errors


def _type_errors(value: object, kind: str, path: str) -> list[str]:
    if kind.startswith("list["):
        if not isinstance(value, list):
            return [f"{path}: expected a list"]
        return [e for i, item in enumerate(value) for e in _type_errors(item, kind[5:-1], f"{path}[{i}]")]
    if kind.startswith("dict("):
        inner = kind[5:-1].split(",", 1)[1].strip()
        if not isinstance(value, dict):
            return [f"{path}: expected an object"]
        return [e for k, v in value.items() for e in _type_errors(v, inner, f"{path}.{k}")]
    simple = {"str": str, "bool": bool, "object": object}
    if kind in simple:
        return [] if isinstance(value, simple[kind]) else [f"{path}: expected {kind}"]
    if kind == "int":
        return [] if isinstance(value, int) and not isinstance(value, bool) else [f"{path}: expected int"]
    if kind == "float":
        return [] if isinstance(value, (int, float)) and not isinstance(value, bool) else [f"{path}: expected float"]
    if kind in ("datetime", "date"):
        if not isinstance(value, str) or not value.endswith("Z"):
            return [f"{path}: expected a UTC ISO 8601 timestamp ending in Z"]
        try:
            datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return [f"{path}: not ISO 8601: {value!r}"]
        return []
    return conformance_errors(value, kind, path)
