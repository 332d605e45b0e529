"""The committed OpenAPI documents, one per API version: the API's contract."""

import json
from pathlib import Path

from silkbridge.api.urls import SilkbridgeAPI, api, api_v2

HERE = Path(__file__).resolve().parent
# version -> (API, committed copy); v1's file keeps the name it was published under.
DOCUMENTS: dict[str, tuple[SilkbridgeAPI, Path]] = {
    "1": (api, HERE / "openapi.json"),
    "2": (api_v2, HERE / "openapi-v2.json"),
}
COMMITTED = DOCUMENTS["1"][1]


def current_schema(version: str = "1") -> str:
    document = DOCUMENTS[version][0].get_openapi_schema(path_prefix=f"/api/v{version}/")
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
