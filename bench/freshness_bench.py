"""Search freshness: how soon an edit is found by search, what indexing it costs, and what
searching costs meanwhile, over HTTP, as the site runs with `make run`.

1. Prepares, once (kept under var/bench/freshness/), a SQLite database of ``--records``
   organisations (default 100,000, as in search_speed_bench.py: a SciFact title as the name,
   the first 150 words of its abstract as the description) and indexes it with
   `silkbridge reindex`'s build (each distinct text is embedded once, so the 5,183 SciFact
   abstracts cost what 5,183 records cost; BM25, the HNSW graph and the lexicon are built
   for all). With ``--demo``: the demo data of `seed-demo` instead.
2. Serves a copy with gunicorn as `make run` does (gunicorn.conf.py: warm workers, each with
   its own index thread; the embedded default, no other process).
3. Baseline (``--baseline`` s): a steady stream of searches (2 a second) alone; the servers'
   CPU per search is measured.
4. ``--edits`` edits at ``--rate`` a second through the API (PATCH of an organisation's
   description, adding a made-up word no record has), the stream still running. After each
   save a poller searches for the new word every 100 ms until the organisation is found.
5. Then ``--quiet-edits`` more edits with nobody searching: the servers' CPU over them,
   divided by their number, is the CPU an edit costs (the save request, writing the update,
   every worker applying it).
6. Prints the save request p95, the time from the save's response (the commit precedes it)
   to the record being found (p50/p95/max), the searches' p95 during the edits, and the CPU
   per edit.

Targets (issue #19): found p95 < 5 s, CPU per edit < 0.5 s, save p95 < 300 ms, search p95
during the edits < 100 ms.

Run: .venv/bin/python bench/freshness_bench.py [--records 100000] [--edits 200] [--demo]
"""

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCIFACT = ROOT.parent / "shared" / "data" / "scifact" / "corpus.jsonl"
BENCH = ROOT / "var" / "bench" / "freshness"
PORT = 8767
TARGETS = {"found p95 s": 5.0, "CPU per edit s": 0.5, "save p95 ms": 300.0, "search p95 ms": 100.0}
STREAM = ["soil erosion", "malaria vaccine", "gene expression in cancer", "水稻育种", "الري بالتنقيط", "energía solar"]


def environment(folder: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "silkbridge.settings",
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "SILKBRIDGE_MATCHING_DIR": str(folder / "matching"),
        "SILKBRIDGE_TASKS": "immediate",
        # the client sends every request from one address: the rate limits would measure
        # themselves, not the index
        "SILKBRIDGE_API_RATE_ANONYMOUS": "1000000/min",
        "SILKBRIDGE_API_RATE_TOKEN": "1000000/min",
        "SILKBRIDGE_API_RATE_SEARCH": "1000000/min",
    }


def silkbridge(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "silkbridge", *args], env=env, cwd=ROOT, check=True, capture_output=True, text=True
    )
    return done.stdout


PREPARE = """
import json, sys, time
import numpy as np
from silkbridge.core.bulk import paused
from silkbridge.matching import index
from silkbridge.matching.engine import WORD_KEY, Engine, text_hash
from silkbridge.registry.documents import organisation_document
from silkbridge.registry.models import Organisation
rows = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8")]
n = int(sys.argv[2])
started = time.monotonic()
def say(line):
    print(f"  [{time.monotonic() - started:6.0f} s] {line}", flush=True)
# paused: no refresh of its own after the writes (bulk_writes would embed all 100,000 anew);
# the index is built below from the distinct abstracts' vectors
with paused():
    batch = []
    for i in range(n):
        row = rows[i % len(rows)]
        name = row["title"][:280] + (f" ({i // len(rows)})" if i >= len(rows) else "")
        batch.append(Organisation(name=name, description=" ".join(row["text"].split()[:150])))
        if len(batch) == 5000 or i == n - 1:
            Organisation.objects.bulk_create(batch)
            batch = []
    say(f"{n} organisations written")
# The distinct abstracts are embedded once; a copy's pieces get the vectors of the same pieces
# of the original, jittered, so that no two records have the same vector (as in
# search_speed_bench.py); the build then embeds only the lexicon's words.
documents = [organisation_document(o) for o in Organisation.objects.order_by("pk").prefetch_related("fields")]
def embedded(done, total):
    if done % 5120 == 0 or done == total:
        say(f"embedded {done}/{total} texts")
originals = Engine.build(documents[: len(rows)], index._embedder(), progress=embedded)
say(f"{len(rows)} distinct records embedded")
rng = np.random.default_rng(0)
known = {}
for i, doc in enumerate(documents):
    source = i % len(rows)
    vectors = originals.chunk_vectors(source)
    if i >= len(rows):
        vectors = vectors + rng.normal(0, 0.01, vectors.shape).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    known.update(zip((text_hash(t) for t in doc.chunk_texts()), vectors))
known.update((WORD_KEY + w, v) for w, v in zip(originals.lexicon.words, originals.lexicon.index.vectors))
index.rebuild(say, known=known)
"""


def prepare(records: int, demo: bool) -> Path:
    """The prepared database and index (made once per size)."""
    prepared = BENCH / ("demo" if demo else f"records-{records}")
    if (prepared / "ready").exists():
        return prepared
    shutil.rmtree(prepared, ignore_errors=True)
    prepared.mkdir(parents=True)
    env = environment(prepared)
    print(f"Preparing {prepared.name} (once; kept for later runs)…", flush=True)
    silkbridge(env, "migrate", "--noinput", "-v0")
    if demo:
        silkbridge(env, "seed-demo")
        silkbridge(env, "reindex")
    else:
        script = prepared / "prepare.py"
        script.write_text(PREPARE)
        code = f"import django; django.setup(); import sys; sys.argv = ['', {str(SCIFACT)!r}, '{records}']; "
        code += f"exec(open({str(script)!r}).read())"
        # the preparation embeds on every core (an app server keeps to one thread)
        threads = {**env, "SILKBRIDGE_EMBED_THREADS": str(os.cpu_count() or 1)}
        subprocess.run([sys.executable, "-c", code], env=threads, cwd=ROOT, check=True)
    (prepared / "ready").write_text("")
    return prepared


SET_UP = """
from silkbridge.accounts.domain import create_api_token
from silkbridge.accounts.models import User
from silkbridge.registry.models import Organisation
user = User.objects.create_user(email="freshness@example.org", is_staff=True, email_confirmed=True)
print(create_api_token(user=user, name="freshness bench")[1])
print(" ".join(map(str, Organisation.objects.order_by("?").values_list("pk", flat=True)[:EDITS])))
"""


class Client:
    def __init__(self, base: str, token: str) -> None:
        self.base, self.token = base, token

    def request(self, path: str, body: dict | None = None) -> tuple[float, dict]:
        """(milliseconds, JSON answer) of a GET, or of a PATCH with ``body``."""
        request = urllib.request.Request(
            self.base + path,
            data=json.dumps(body).encode() if body is not None else None,
            method="PATCH" if body is not None else "GET",
            headers={"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"},
        )
        started = time.perf_counter()
        with urllib.request.urlopen(request, timeout=60) as response:
            answer = json.loads(response.read())
        return (time.perf_counter() - started) * 1000, answer


def server_cpu(pid: int) -> float:
    """CPU seconds of the gunicorn master and its workers so far."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(entry.name) == pid or int(fields[1]) == pid:  # fields[1]: the parent
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


class Stream(threading.Thread):
    """Searches at a steady pace, recording their latency, until stopped."""

    def __init__(self, client: Client, per_second: float) -> None:
        super().__init__(daemon=True)
        self.client, self.pause, self.times, self.stop = client, 1 / per_second, [], threading.Event()

    def run(self) -> None:
        n = 0
        while not self.stop.is_set():
            query = urllib.parse.quote(STREAM[n % len(STREAM)])
            self.times.append(self.client.request(f"/api/v1/search?q={query}&limit=10")[0])
            n += 1
            self.stop.wait(self.pause)


def made_up_word(rng: random.Random) -> str:
    """A word no record has: consonant-vowel syllables, so that it reads as a word."""
    return "".join(rng.choice("bdfgklmnprstvz") + rng.choice("aeiou") for _ in range(4)) + rng.choice("nrs")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--demo", action="store_true", help="the demo data instead of --records organisations")
    parser.add_argument("--edits", type=int, default=200)
    parser.add_argument("--rate", type=float, default=1.0, help="edits a second")
    parser.add_argument("--baseline", type=float, default=30.0, help="seconds of searches alone")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--quiet-edits", type=int, default=30, help="edits timed for CPU with nobody searching")
    args = parser.parse_args()
    if not args.demo and not SCIFACT.exists():
        print(f"skipped: needs {SCIFACT}")
        return 0
    prepared = prepare(args.records, args.demo)
    work = BENCH / "run"
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(prepared, work)
    env = environment(work)
    token, ids = silkbridge(env, "shell", "-c", SET_UP.replace("EDITS", str(args.edits))).split("\n")[-3:-1]
    organisations = [int(i) for i in ids.split()]
    silkbridge(env, "collectstatic", "--noinput", "-v0")
    started = time.monotonic()
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "silkbridge.wsgi:application", "--config", "gunicorn.conf.py",
         "--bind", f"127.0.0.1:{PORT}", "--workers", str(args.workers)],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=(work / "server.log").open("w"),
    )  # fmt: skip
    client = Client(f"http://127.0.0.1:{PORT}", token)
    try:
        for _ in range(600):
            try:
                client.request("/api/v1/fields")
                break
            except (OSError, urllib.error.URLError):
                time.sleep(0.5)
        print(f"{args.workers} app servers up in {time.monotonic() - started:.1f} s (index loaded, workers warm)")
        for _ in range(20):  # every worker has served searches
            client.request("/api/v1/search?q=warm")

        stream = Stream(client, 2.0)
        cpu, began = server_cpu(server.pid), time.monotonic()
        stream.start()
        time.sleep(args.baseline)
        searches = len(stream.times)
        per_search = (server_cpu(server.pid) - cpu) / max(searches, 1)
        baseline = list(stream.times)
        print(f"baseline: {searches} searches in {time.monotonic() - began:.0f} s, {1000 * per_search:.1f} ms CPU each")

        rng = random.Random(19)
        saves: list[float] = []
        found: list[float] = []
        polls = [0]
        lock = threading.Lock()

        def wait_for(pk: int, word: str, saved: float) -> None:
            while time.monotonic() - saved < 60:
                answer = client.request(f"/api/v1/search?q={word}&type=organisation&limit=10")[1]
                with lock:
                    polls[0] += 1
                if any(item["id"] == pk for item in answer["items"]):
                    with lock:
                        found.append(time.monotonic() - saved)
                    return
                time.sleep(0.1)

        pollers = []
        cpu, began, streamed = server_cpu(server.pid), time.monotonic(), len(stream.times)
        for n, pk in enumerate(organisations):
            word = made_up_word(rng)
            description = f"A note on {word} and its uses, edit {n}."
            elapsed, _answer = client.request(f"/api/v1/organisations/{pk}", {"description": description})
            saves.append(elapsed)
            poller = threading.Thread(target=wait_for, args=(pk, word, time.monotonic()), daemon=True)
            poller.start()
            pollers.append(poller)
            time.sleep(max(0.0, began + (n + 1) / args.rate - time.monotonic()))
            if (n + 1) % 20 == 0:
                print(f"  {n + 1}/{len(organisations)} edits; found so far: {len(found)}", flush=True)
        for poller in pollers:
            poller.join()
        stream.stop.set()
        stream.join()
        spent = server_cpu(server.pid) - cpu
        during = stream.times[streamed:]
        searches_made = polls[0] + len(during)
        estimate = (spent - searches_made * per_search) / len(organisations)
        # then edits alone, nobody searching: what the servers spend per edit (the save
        # request, writing the update, and every worker applying it)
        time.sleep(3)
        cpu = server_cpu(server.pid)
        for n, pk in enumerate(organisations[: args.quiet_edits]):
            client.request(f"/api/v1/organisations/{pk}", {"description": f"A quiet note, edit {n}."})
            time.sleep(1 / args.rate)
        time.sleep(3)
        per_edit = (server_cpu(server.pid) - cpu) / max(args.quiet_edits, 1)
    finally:
        server.terminate()
        server.wait(timeout=30)

    def pct(values: list[float], p: int) -> float:
        return statistics.quantiles(values, n=100, method="inclusive")[p - 1] if len(values) > 1 else values[0]

    figures = {
        "found p95 s": pct(found, 95) if len(found) == len(organisations) else float("inf"),
        "CPU per edit s": per_edit,
        "save p95 ms": pct(saves, 95),
        "search p95 ms": pct(during, 95),
    }
    label = "demo data" if args.demo else f"{args.records:,} organisations"
    print(f"\nFreshness over HTTP: {label}, {len(organisations)} edits at {args.rate}/s, {args.workers} workers")
    print(f"edits found: {len(found)}/{len(organisations)}; found after p50 {statistics.median(found):.2f} s, "
          f"p95 {pct(found, 95):.2f} s, max {max(found):.2f} s")  # fmt: skip
    print(f"save request p50 {statistics.median(saves):.1f} ms, p95 {pct(saves, 95):.1f} ms")
    print(f"searches during the edits: {len(during)}, p50 {statistics.median(during):.1f} ms, "
          f"p95 {pct(during, 95):.1f} ms (alone: p95 {pct(baseline, 95):.1f} ms)")  # fmt: skip
    print(f"server CPU during the edits {spent:.1f} s, of which {searches_made} searches "
          f"~{searches_made * per_search:.1f} s: ~{estimate:.3f} s per edit")  # fmt: skip
    print(f"server CPU per edit with nobody searching ({args.quiet_edits} edits): {per_edit:.3f} s")
    ok = True
    for name, target in TARGETS.items():
        met = figures[name] < target
        ok &= met
        print(f"  {name:16} {figures[name]:10.3f}  target < {target:g}  {'OK' if met else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
