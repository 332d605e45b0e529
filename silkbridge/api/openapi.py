"""The committed OpenAPI document: the API's contract."""

import json
from pathlib import Path

from silkbridge.api.urls import api

COMMITTED = Path(__file__).resolve().parent / "openapi.json"


def current_schema() -> str:
    return (
        json.dumps(api.get_openapi_schema(path_prefix="/api/v1/"), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    )
