"""Store throughput: write and read back many documents, claims and scores.

Usage: python bench/bench_store.py [--docs 2000] [--claims-per-doc 50] [--path FILE]
Prints seconds per phase and the file size; uses a temporary file by default.
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import tempfile
import time
from pathlib import Path

from stance.records import Claim, Document, StanceScore
from stance.store import Store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, default=2000)
    parser.add_argument("--claims-per-doc", type=int, default=50)
    parser.add_argument("--path", type=Path, default=None)
    args = parser.parse_args()
    tmp = tempfile.TemporaryDirectory()
    path = args.path or Path(tmp.name) / "bench.sqlite"
    day = dt.date(2025, 1, 1)
    docs = [Document(f"doc{i}", day, "text " * 400, title=f"t{i}") for i in range(args.docs)]
    hashes = {"ukraine_aid": "h1", "tariffs": "h2"}
    timings: dict[str, float] = {}
    with Store.open(path) as store:
        t = time.perf_counter()
        store.put_documents(docs)
        timings["put_documents"] = time.perf_counter() - t
        t = time.perf_counter()
        statuses = store.put_documents(docs)
        timings["put_documents again (all same)"] = time.perf_counter() - t
        assert set(statuses) == {"same"}
        t = time.perf_counter()
        n = 0
        for doc in docs:
            claims = [
                Claim(doc.id, f"claim {j}", j * 10, j * 10 + 8, day, speaker="S", actor="a")
                for j in range(args.claims_per_doc)
            ]
            store.put_claims(doc.id, claims, extractor_version="x1")
            rows = [StanceScore(c.id, topic, 0.5, "favor", 0.6, 0.2, 0.2) for c in claims
                    for topic in hashes]  # fmt: skip
            store.put_scores(rows, model_id="m", topic_hashes=hashes)
            n += len(claims)
        timings["put_claims + put_scores (per doc)"] = time.perf_counter() - t
        t = time.perf_counter()
        assert len(store.claims()) == n
        timings["claims()"] = time.perf_counter() - t
        t = time.perf_counter()
        assert len(store.scored_pairs(model_id="m", topic_hashes=hashes)) == 2 * n
        timings["scored_pairs()"] = time.perf_counter() - t
        t = time.perf_counter()
        assert len(store.scores(model_id="m", topic_hashes=hashes)) == 2 * n
        timings["scores()"] = time.perf_counter() - t
    print(f"{args.docs} documents, {n} claims, {2 * n} scores")
    for name, seconds in timings.items():
        print(f"{name:38s} {seconds:8.2f} s")
    print(f"file size {path.stat().st_size / 1e6:.1f} MB")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
