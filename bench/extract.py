"""Speed and memory of claim extraction: prints words/s and peak RSS.

    python bench/extract.py [--polnear DIR] [--split dev] [--limit N] [--repeat K]

Reads the PolNeAR split's article texts (default ``../shared/datasets/polnear``), streams them
through :func:`stance.extract.extract_claims` ``--repeat`` times and reports throughput over
all words of all documents (skipped paragraphs included), the share of paragraphs the
pre-filter sent to the parser, and the peak resident memory of the process.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import time
from pathlib import Path

from stance.extract import extract_claims, load_nlp
from stance.extract.core import _plan
from stance.records import Document

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--polnear", type=Path, default=ROOT.parent / "shared/datasets/polnear")
    parser.add_argument("--split", default="dev")
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument(
        "--n-process", type=int, default=None, help="Worker processes (default: all cores)."
    )
    parser.add_argument("--ner", action="store_true", help="Keep spaCy's NER component.")
    args = parser.parse_args()
    paths = sorted((args.polnear / "data" / args.split / "text").glob("*.txt"))[: args.limit]
    texts = [p.read_text(encoding="utf-8") for p in paths]
    words = sum(len(t.split()) for t in texts) * args.repeat
    plans = [_plan(Document(id="x", date=dt.date(2016, 1, 1), text=t)) for t in texts]
    n_par = sum(len(p["paragraphs"]) for p in plans)
    n_sel = sum(len(p["selected"]) for p in plans)
    sel_words = sum(len(t.split()) for p in plans for t in p["texts"])
    nlp = load_nlp(ner=args.ner)

    def documents():
        for k in range(args.repeat):
            for i, text in enumerate(texts):
                yield Document(id=f"{k}-{i}", date=dt.date(2016, 10, 1), text=text)

    started = time.perf_counter()
    claims = extract_claims(
        documents(), nlp=nlp, batch_size=args.batch_size, n_process=args.n_process
    )
    n_claims = sum(1 for _ in claims)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    worker = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"pipeline:         {nlp.pipe_names}, n_process={args.n_process}")
    print(f"documents:        {len(texts) * args.repeat}")
    print(f"words:            {words}")
    print(
        f"parsed:           {n_sel} stretches of {n_par} paragraphs, "
        f"{sel_words / max(1, words / args.repeat):.0%} of words"
    )
    print(f"claims:           {n_claims}")
    print(f"seconds:          {seconds:.2f}")
    print(f"words/s:          {words / seconds:,.0f}")
    print(f"load average:     {os.getloadavg()[0]:.1f} (other work on the machine slows it)")
    print(f"peak RSS MiB:     {peak:.0f} (this process)")
    if worker:
        print(f"                  {worker:.0f} (largest worker; forked, so pages are shared)")


if __name__ == "__main__":
    main()
