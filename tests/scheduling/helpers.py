from typing import Any

FORMAT = "silkbridge.meeting-instance/1"


def slot(n: int) -> dict[str, str]:
    return {"id": f"s{n}", "start": f"2026-11-10T{9 + n:02d}:00:00+08:00", "end": f"2026-11-10T{9 + n:02d}:20:00+08:00"}


def instance(
    *,
    slots: int = 2,
    tables: int = 2,
    people: list[dict[str, Any]] | None = None,
    requests: list[tuple[str, str, float]] | None = None,
    fixed: list[dict[str, str]] | None = None,
) -> dict[str, Any]:
    people = people if people is not None else [{"id": p} for p in ("a", "b", "c")]
    data: dict[str, Any] = {
        "format": FORMAT,
        "slots": [slot(n) for n in range(slots)],
        "tables": [f"T{n + 1}" for n in range(tables)],
        "participants": people,
        "requests": [
            {"id": f"r{n + 1}", "from": src, "to": dst, "weight": w} for n, (src, dst, w) in enumerate(requests or [])
        ],
    }
    if fixed is not None:
        data["fixed"] = fixed
    return data
