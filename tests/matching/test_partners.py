import subprocess
import sys
from datetime import date
from pathlib import Path

from silkbridge.matching.partners import CollaborationGraph, Participation, adamic_adar


def graph() -> CollaborationGraph:
    # a-b and b-c and b-d worked together; c-d too; e is unconnected, in a's country.
    projects = {"p1": "ab", "p2": "bc", "p3": "bd", "p4": "cd", "p5": "ef"}
    country = {"a": "KE", "b": "CN", "c": "CN", "d": "FR", "e": "KE", "f": "KE"}
    return CollaborationGraph(
        Participation(p, o, country[o], date(2020, 1, 1)) for p, orgs in projects.items() for o in orgs
    )


def test_recommends_partners_of_partners_and_never_current_partners() -> None:
    recs = graph().recommend("a", 10)
    names = [r.partner for r in recs]
    assert "b" not in names and "a" not in names
    assert set(names[:2]) == {"c", "d"}
    assert recs[0].shared_partners == ["b"]


def test_unknown_organisation_gets_no_recommendation() -> None:
    assert graph().recommend("zzz") == []


def test_adamic_adar_scores_common_neighbours() -> None:
    g = graph()
    scores = adamic_adar(g, "a")
    assert scores[g.index["c"]] > 0 and scores[g.index["e"]] == 0


def partners_run(tmp_path: Path) -> subprocess.CompletedProcess[str]:
    arguments = ["--participations", tmp_path / "p.csv", "--queries", tmp_path / "q.txt", "--out", tmp_path / "r.tsv"]
    command = [sys.executable, "-m", "silkbridge.matching.partners_run", *map(str, arguments)]
    return subprocess.run(command, capture_output=True, text=True)


def test_partners_run_writes_the_spec_format(tmp_path: Path) -> None:
    (tmp_path / "p.csv").write_text(
        "project,organisation,country,start_date,extra\np1,a,KE,2020-01-01,x\np1,b,CN,2020-01-01,x\n"
        "p2,b,CN,2021-01-01,x\np2,c,CN,2021-01-01,x\n"
    )
    (tmp_path / "q.txt").write_text("a\nc\n")
    assert partners_run(tmp_path).returncode == 0
    rows = [line.split("\t") for line in (tmp_path / "r.tsv").read_text().splitlines()]
    assert [r[:3] for r in rows] == [["a", "c", "1"], ["c", "a", "1"]]


def test_partners_run_rejects_a_file_without_the_columns(tmp_path: Path) -> None:
    (tmp_path / "p.csv").write_text("rcn,pic\n1,2\n")
    (tmp_path / "q.txt").write_text("2\n")
    out = partners_run(tmp_path)
    assert out.returncode == 2 and "missing columns" in out.stderr
    assert not (tmp_path / "r.tsv").exists()


def test_search_run_writes_a_trec_run(tmp_path: Path) -> None:
    (tmp_path / "c.jsonl").write_text(
        '{"_id": "d1", "title": "Soil", "text": "Soil carbon in drylands."}\n'
        '{"_id": "d2", "title": "Stars", "text": "Galaxies and dark matter."}\n'
    )
    (tmp_path / "q.jsonl").write_text('{"_id": "q1", "text": "dryland soil carbon"}\n')
    subprocess.run(
        [
            sys.executable,
            "-m",
            "silkbridge.matching.search_run",
            "--corpus",
            str(tmp_path / "c.jsonl"),
            "--queries",
            str(tmp_path / "q.jsonl"),
            "--out",
            str(tmp_path / "run.tsv"),
            "--embedder",
            "fake",
            "--top",
            "1",
        ],
        check=True,
        capture_output=True,
    )
    fields = (tmp_path / "run.tsv").read_text().split()
    assert fields[:4] == ["q1", "Q0", "d1", "1"] and len(fields) == 6
