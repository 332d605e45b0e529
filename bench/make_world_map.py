"""Build silkbridge/indicators/data/world.json: one SVG path per country (ISO 3166-1
alpha-2), from Natural Earth 1:110m shapes as packaged in world-atlas (TopoJSON).

Run once: npm pack world-atlas@2 && tar xzf world-atlas-2.0.2.tgz
          python bench/make_world_map.py package/countries-110m.json
Equirectangular projection onto a 1000 x 500 box; coordinates rounded to 0.1."""

import itertools
import json
import sys
from pathlib import Path

import pycountry

OUT = Path(__file__).resolve().parent.parent / "silkbridge/indicators/data/world.json"


def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring(arcs: list[list[tuple[float, float]]], indices: list[int]) -> list[tuple[float, float]]:
    points: list[tuple[float, float]] = []
    for index in indices:
        arc = arcs[index] if index >= 0 else list(reversed(arcs[~index]))
        points.extend(arc if not points else arc[1:])
    return points


def path(rings: list[list[tuple[float, float]]]) -> str:
    """SVG path data; a ring that crosses the antimeridian is cut there instead of drawing a
    line across the whole map."""
    parts = []
    for r in rings:
        projected = [(round((lon + 180) / 360 * 1000, 1), round((90 - lat) / 180 * 500, 1)) for lon, lat in r]
        commands = [f"M{projected[0][0]:g},{projected[0][1]:g}"]
        for (x0, _y0), (x, y) in itertools.pairwise(projected):
            commands.append(f"{'M' if abs(x - x0) > 500 else 'L'}{x:g},{y:g}")
        parts.append("".join(commands) + "Z")
    return "".join(parts)


def main(source: str) -> None:
    topology = json.loads(Path(source).read_text())
    arcs = decode_arcs(topology)
    shapes = {}
    for geometry in topology["objects"]["countries"]["geometries"]:
        country = pycountry.countries.get(numeric=str(geometry.get("id", "")).zfill(3))
        if country is None or "arcs" not in geometry:
            continue
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        shapes[country.alpha_2] = path([ring(arcs, r) for polygon in polygons for r in polygon])
    OUT.write_text(json.dumps(shapes, separators=(",", ":"), sort_keys=True))
    print(f"{len(shapes)} countries -> {OUT} ({OUT.stat().st_size // 1024} KB)")


if __name__ == "__main__":
    main(sys.argv[1])
