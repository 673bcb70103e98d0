"""End-to-end benchmark: the whole pipeline over ~1,000 real news articles.

Uses the PolNeAR articles (2016 US campaign news; train + dev = 924 articles) from
``../shared/datasets/polnear`` as a corpus, dated from their file names, with the shipped
codebook and registry. Prints documents/s, words/s, claims, pairs scored, stage times and peak
RSS, then re-runs to show that an unchanged corpus costs almost nothing.

    python bench/pipeline.py [--polnear DIR] [--limit N]
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import tempfile
import time
from pathlib import Path

import stance

ROOT = Path(__file__).resolve().parents[1]


def corpus(polnear: Path, out: Path, limit: int | None) -> tuple[int, int]:
    files = sorted((polnear / "data").glob("*/text/*.txt"))[:limit]
    words = 0
    with out.open("w", encoding="utf-8") as f:
        for path in files:
            text = path.read_text(encoding="utf-8")
            words += len(text.split())
            date = re.search(r"\d{4}-\d{2}-\d{2}", path.name)
            row = {"id": path.stem, "date": date.group(0) if date else "2016-10-01", "text": text}
            f.write(json.dumps(row) + "\n")
    return len(files), words


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--polnear", type=Path, default=ROOT.parent / "shared" / "datasets" / "polnear"
    )
    parser.add_argument("--limit", type=int, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        n_docs, n_words = corpus(args.polnear, tmp / "articles.jsonl", args.limit)
        t0 = time.perf_counter()
        first = stance.run(documents=[tmp / "articles.jsonl"], out_dir=tmp / "out", progress=True)
        t1 = time.perf_counter()
        second = stance.run(documents=[tmp / "articles.jsonl"], out_dir=tmp / "out")
        t2 = time.perf_counter()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    s = first.summary
    print(f"articles            {n_docs} ({n_words:,} words)")
    print(
        f"first run           {t1 - t0:.1f} s  ({n_docs / (t1 - t0):.1f} docs/s, {n_words / (t1 - t0):,.0f} words/s)"
    )
    print(f"claims              {s['claims']:,} ({s['claims_linked']:,} linked to a topic)")
    print(f"pairs scored        {s['pairs_scored']:,}")
    print(f"shifts              {s['shifts']}")
    print(
        f"second run          {t2 - t1:.1f} s  (documents_new={second.summary['documents_new']}, "
        f"model_loaded={second.summary['model_loaded']})"
    )
    print(f"peak RSS            {rss:,.0f} MiB")


if __name__ == "__main__":
    main()
