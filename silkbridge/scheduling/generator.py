"""Realistic random meeting instances, reproducible from a seed.

- Popularity is heavy-tailed (Zipf-like): a few people are asked by very many.
- Availability is partial: some arrive late or leave early, some attend sessions.
- A quarter of the pairs asked each other: both requests weigh 2.0; a few requests carry an
  organiser's priority of 1.5; the rest weigh 1.0.
- Some people set max_meetings."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from silkbridge.scheduling.model import INSTANCE_FORMAT

COUNTRIES = ["CN", "KZ", "PK", "TH", "EG", "KE", "RU", "BR", "ID", "VN", "ET", "UZ", "AR", "SA", "HU", "NG"]


def _slots(count: int) -> list[dict[str, str]]:
    per_day = 8
    slots = []
    for n in range(count):
        day, index = divmod(n, per_day)
        start = datetime(2026, 11, 10 + day, 9, 0) + timedelta(minutes=30 * index + (60 if index >= 4 else 0))
        slots.append(
            {
                "id": f"d{day + 1}-{start:%H%M}",
                "start": f"{start:%Y-%m-%dT%H:%M:00}+08:00",
                "end": f"{start + timedelta(minutes=20):%Y-%m-%dT%H:%M:00}+08:00",
            }
        )
    return slots


def _availability(rng: random.Random, slot_ids: list[str]) -> list[str] | None:
    n = len(slot_ids)
    first, last = 0, n
    if rng.random() < 0.2:
        first = rng.randint(1, n // 3)  # arrives late
    if rng.random() < 0.2:
        last = n - rng.randint(1, n // 3)  # leaves early
    hours = set(range(first, last))
    if rng.random() < 0.35:
        for _session in range(rng.randint(1, 3)):
            start = rng.randrange(n)
            hours -= {start, start + 1}
    if len(hours) == n:
        return None  # absent means every slot
    return [slot_ids[i] for i in sorted(hours)]


def generate(
    *, participants: int, requests: int, slots: int, tables: int, seed: int = 1, max_meetings_share: float = 0.3
) -> dict[str, Any]:
    rng = random.Random(seed)
    slot_list = _slots(slots)
    slot_ids = [s["id"] for s in slot_list]
    people = []
    for n in range(participants):
        person: dict[str, Any] = {"id": f"p{n + 1}", "country": rng.choice(COUNTRIES)}
        available = _availability(rng, slot_ids)
        if available is not None:
            person["available"] = available
        if rng.random() < max_meetings_share:
            person["max_meetings"] = rng.randint(4, 10)
        people.append(person)
    ids = [p["id"] for p in people]
    popularity = [1.0 / (rank + 1) ** 0.9 for rank in range(participants)]
    rng.shuffle(popularity)
    activity = [rng.paretovariate(2.0) for _ in range(participants)]
    pairs: dict[tuple[str, str], float] = {}
    out: list[dict[str, Any]] = []
    while len(out) < requests:
        source = rng.choices(ids, weights=activity)[0]
        target = rng.choices(ids, weights=popularity)[0]
        if source == target or (source, target) in pairs:
            continue
        mutual = rng.random() < 0.25 and (target, source) not in pairs and len(out) + 2 <= requests
        weight = 2.0 if mutual else (1.5 if rng.random() < 0.05 else 1.0)
        pairs[(source, target)] = weight
        out.append({"id": f"r{len(out) + 1}", "from": source, "to": target, "weight": weight})
        if mutual:
            pairs[(target, source)] = weight
            out.append({"id": f"r{len(out) + 1}", "from": target, "to": source, "weight": weight})
    return {
        "format": INSTANCE_FORMAT,
        "slots": slot_list,
        "tables": [f"T{n + 1}" for n in range(tables)],
        "participants": people,
        "requests": out,
    }
