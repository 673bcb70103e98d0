"""Score claim extraction and attribution against PolNeAR's gold attributions.

PolNeAR (Newell, Margolin and Ruths, LREC 2018) annotates every attribution in 1,008 news
articles as brat standoff: ``Source``, ``Cue`` and ``Content`` spans linked by an event. The
scoring is described in ``docs/attribution.md``.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from stance.errors import InputError
from stance.extract.quotes import paragraphs
from stance.records import Claim, Document

_WORD = re.compile(r"\w+")
_SENTENCE_END = re.compile(r"[.!?][\"”’')\]]*\s+(?=[\"“‘'(\[]?[A-Z0-9])|\n+")
_ABBREVIATIONS = frozenset(
    """mr. mrs. ms. dr. sen. rep. gov. gen. lt. col. capt. sgt. prof. rev. st. jr. sr. no.
    inc. corp. co. vs. jan. feb. mar. apr. aug. sept. sep. oct. nov. dec. u.s. u.k. u.n.
    d.c. a.m. p.m. e.g. i.e. ft. mt. pres. gop. calif. fla. ariz. tenn. mass. ky.""".split()
)
_DATE = re.compile(r"_(\d{4}-\d{2}-\d{2})_")

Spans = tuple[tuple[int, int], ...]


@dataclass(frozen=True, slots=True)
class Attribution:
    """One attribution: content spans and source spans (document offsets; source may be empty)."""

    content: Spans
    source: Spans = ()


def read_ann(path: Path) -> list[Attribution]:
    """Read the attributions of one brat ``.ann`` file.

    Args:
        path: A PolNeAR attribution file.

    Returns:
        One :class:`Attribution` per event that has a content span.
    """
    spans: dict[str, Spans] = {}
    events = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if line.startswith("T") and len(parts) >= 2:
            label, _, offsets = parts[1].partition(" ")
            pieces = tuple(tuple(int(x) for x in p.split()) for p in offsets.split(";"))
            spans[parts[0]] = pieces
        elif line.startswith("E") and len(parts) >= 2:
            events.append(dict(arg.split(":", 1) for arg in parts[1].split()))
    out = []
    for event in events:
        if "Content" in event and event["Content"] in spans:
            source = spans.get(event.get("Source", ""), ())
            out.append(Attribution(spans[event["Content"]], source))
    return out


def load_polnear(
    polnear_dir: Path | str, *, split: str = "dev", limit: int | None = None
) -> list[tuple[Document, list[Attribution]]]:
    """Read one split of PolNeAR: each article with the attributions of one annotator.

    Args:
        polnear_dir: Folder holding ``data/<split>/text`` and ``data/<split>/attributions``.
        split: ``train``, ``dev`` or ``test``.
        limit: Read at most this many articles (in file-name order).

    Raises:
        InputError: The split's folders are missing.
    """
    root = Path(polnear_dir) / "data" / split
    texts, anns = root / "text", root / "attributions"
    if not texts.is_dir() or not anns.is_dir():
        raise InputError(
            f"{root}: no text/ and attributions/ folders; pass --polnear pointing at the PolNeAR "
            "folder that holds data/<split>/"
        )
    out = []
    for text_path in sorted(texts.glob("*.txt"))[:limit]:
        candidates = sorted(anns.glob(f"{text_path.stem}_*.ann"))
        if not candidates:
            continue
        found = _DATE.search(text_path.name)
        date = dt.date.fromisoformat(found.group(1)) if found else dt.date(2016, 1, 1)
        text = text_path.read_text(encoding="utf-8")
        doc = Document(id=text_path.stem, date=date, text=text, source=str(text_path))
        out.append((doc, read_ann(candidates[0])))
    return out


def predicted_attributions(text: str, claims: Iterable[Claim]) -> list[Attribution]:
    """Turn claims into attributions comparable with PolNeAR's.

    PolNeAR is univocal (a token belongs to at most one attribution), so a claim nested in
    another claim's content (a partial quote inside a reported clause) is dropped, and the
    parts of one quotation split around its cue (same speaker mention, same cue, same
    paragraph) form one attribution with several content spans, as in the gold. Policy
    actions (``kind="action"``: "the cabinet approved a bill") are not attributions and are
    left out.
    """
    claims = sorted(
        (c for c in claims if c.kind != "action"), key=lambda c: (c.start_char, -c.end_char)
    )
    kept: list[Claim] = []
    for claim in claims:
        if (
            kept
            and claim.end_char <= max(k.end_char for k in kept[-5:])
            and any(k.start_char <= claim.start_char and claim.end_char <= k.end_char for k in kept)
        ):
            continue
        kept.append(claim)
    paras = paragraphs(text)
    groups: dict[tuple, list[Claim]] = defaultdict(list)
    for claim in kept:
        para = next((i for i, (s, e) in enumerate(paras) if s <= claim.start_char < e), -1)
        if claim.speaker_start_char is None:
            key: tuple = ("single", claim.start_char)
        else:
            key = (claim.speaker_start_char, claim.speaker_end_char, claim.cue, para)
        groups[key].append(claim)
    out = []
    for members in groups.values():
        first = members[0]
        source = (
            ((first.speaker_start_char, first.speaker_end_char),)
            if first.speaker_start_char is not None
            else ()
        )
        out.append(Attribution(tuple((c.start_char, c.end_char) for c in members), source))
    return out


def _tokens(spans: Spans, starts: list[int], ends: list[int]) -> frozenset[int]:
    out: set[int] = set()
    for s, e in spans:
        out.update(
            i for i, (ts, te) in enumerate(zip(starts, ends, strict=True)) if ts < e and te > s
        )
    return frozenset(out)


def _overlaps(a: Spans, b: Spans) -> bool:
    return any(s1 < e2 and s2 < e1 for s1, e1 in a for s2, e2 in b)


def _sentence_bounds(text: str) -> list[int]:
    bounds = [0]
    for m in _SENTENCE_END.finditer(text):
        before = text[: m.start() + 1].split()[-1:] or [""]
        word = before[0].strip("\"“”‘’'(").lower()
        if m.group().startswith(".") and (word in _ABBREVIATIONS or re.fullmatch(r"\w\.", word)):
            continue  # "Mr. Trump", "U.S. officials", "J. Smith"
        bounds.append(m.end())
    return bounds


def _sentence_ids(text: str, spans: Spans) -> set[int]:
    bounds = _sentence_bounds(text)
    ids = set()
    for s, e in spans:
        for k, b in enumerate(bounds):
            nxt = bounds[k + 1] if k + 1 < len(bounds) else len(text) + 1
            if b < e and s < nxt:
                ids.add(k)
    return ids


def score(
    text: str, gold: Sequence[Attribution], predicted: Sequence[Attribution]
) -> dict[str, int]:
    """Count matches between gold and predicted attributions of one document.

    A prediction matches a gold attribution when their content tokens overlap by at least
    half of the shorter content's tokens; pairs are matched one-to-one, best first (source
    overlap, then token overlap). A match is a correct attribution when the predicted source
    overlaps the gold source.

    Returns:
        Counts: ``gold``, ``predicted``, ``content_matched``, ``attribution_correct``,
        ``cross_gold`` (gold whose source is in another sentence than its content) and
        ``cross_correct``.
    """
    words = list(_WORD.finditer(text))
    starts, ends = [m.start() for m in words], [m.end() for m in words]
    gold_tokens = [_tokens(g.content, starts, ends) for g in gold]
    pred_tokens = [_tokens(p.content, starts, ends) for p in predicted]
    pairs = []
    for i, gt in enumerate(gold_tokens):
        for j, pt in enumerate(pred_tokens):
            shared = len(gt & pt)
            if gt and pt and shared >= 0.5 * min(len(gt), len(pt)):
                ok = bool(gold[i].source) and _overlaps(gold[i].source, predicted[j].source)
                pairs.append((ok, shared, i, j))
    pairs.sort(reverse=True)
    used_g, used_p, correct = set(), set(), set()
    for ok, _, i, j in pairs:
        if i in used_g or j in used_p:
            continue
        used_g.add(i)
        used_p.add(j)
        if ok:
            correct.add(i)
    cross = [
        i
        for i, g in enumerate(gold)
        if g.source and not _sentence_ids(text, g.source) & _sentence_ids(text, g.content)
    ]
    return {
        "gold": len(gold),
        "predicted": len(predicted),
        "content_matched": len(used_g),
        "attribution_correct": len(correct),
        "cross_gold": len(cross),
        "cross_correct": sum(1 for i in cross if i in correct),
    }


def _ratio(a: float, b: float) -> float:
    return a / b if b else 0.0


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def metrics_from_counts(counts: dict[str, int]) -> dict[str, float]:
    """Precision, recall and F1 of content and attribution from summed :func:`score` counts."""
    cp = _ratio(counts["content_matched"], counts["predicted"])
    cr = _ratio(counts["content_matched"], counts["gold"])
    ap = _ratio(counts["attribution_correct"], counts["predicted"])
    ar = _ratio(counts["attribution_correct"], counts["gold"])
    return {
        "content_precision": cp,
        "content_recall": cr,
        "content_f1": _f1(cp, cr),
        "attribution_precision": ap,
        "attribution_recall": ar,
        "attribution_f1": _f1(ap, ar),
        "cross_sentence_recall": _ratio(counts["cross_correct"], counts["cross_gold"]),
    }


def article_intervals(
    per_article: Sequence[dict[str, int]],
    *,
    resamples: int = 1000,
    level: float = 0.95,
    seed: int = 0,
) -> dict[str, tuple[float, float]]:
    """95% percentile bootstrap intervals of content and attribution F1, articles resampled.

    ``per_article`` holds one :func:`score` count dict per article; each resample draws as
    many articles with replacement and sums their counts (attributions of one article are
    not independent: one reporter's style, one parse). Seeded.
    """
    import numpy as np

    from stance.bootstrap import group_draws, percentile_interval

    if not per_article:
        raise ValueError("no articles to resample")
    keys = ("gold", "predicted", "content_matched", "attribution_correct")
    counts = np.array([[doc[k] for k in keys] for doc in per_article], dtype=float)
    draws = group_draws(len(counts), resamples=resamples, seed=seed)
    gold, predicted, content, correct = (draws @ counts).T

    def f1(matched: np.ndarray) -> np.ndarray:
        # 2PR / (P + R) with P = m / predicted, R = m / gold is 2m / (predicted + gold)
        total = predicted + gold
        return np.divide(2 * matched, total, out=np.zeros_like(total), where=total > 0)

    return {
        "content_f1": percentile_interval(f1(content), level),
        "attribution_f1": percentile_interval(f1(correct), level),
    }


def evaluate_polnear(
    polnear_dir: Path | str, *, split: str = "dev", limit: int | None = None
) -> dict[str, float | int | str]:
    """Run :func:`stance.extract.extract_claims` on a PolNeAR split and score it.

    Args:
        polnear_dir: Folder laid out as PolNeAR (``data/<split>/text``, ``.../attributions``).
        split: Split to score.
        limit: Score at most this many articles.

    Returns:
        Metrics (``content_*``, ``attribution_*``, ``cross_sentence_recall``), the 95%
        intervals of the two F1 figures over resampled articles (``content_f1_interval``,
        ``attribution_f1_interval``: :func:`article_intervals`), counts, ``articles``,
        ``words``, ``seconds`` and ``words_per_second`` of extraction.
    """
    from stance.extract import extract_claims, load_nlp

    articles = load_polnear(polnear_dir, split=split, limit=limit)
    nlp = load_nlp()
    docs = [doc for doc, _ in articles]
    started = time.perf_counter()
    claims = list(extract_claims(docs, nlp=nlp))
    seconds = time.perf_counter() - started
    by_doc: dict[str, list[Claim]] = defaultdict(list)
    for claim in claims:
        by_doc[claim.doc_id].append(claim)
    totals: dict[str, int] = defaultdict(int)
    per_article = []
    for doc, gold in articles:
        counts = score(doc.text, gold, predicted_attributions(doc.text, by_doc[doc.id]))
        per_article.append(counts)
        for key, value in counts.items():
            totals[key] += value
    words = sum(len(doc.text.split()) for doc in docs)
    return {
        "split": split,
        **metrics_from_counts(totals),
        **{f"{k}_interval": v for k, v in article_intervals(per_article).items()},
        **totals,
        "articles": len(articles),
        "claims": len(claims),
        "words": words,
        "seconds": round(seconds, 3),
        "words_per_second": round(_ratio(words, seconds), 1),
    }


def format_table(metrics: dict) -> str:
    """A Markdown table of the metrics returned by :func:`evaluate_polnear`."""
    rows = [
        ("content", "content_precision", "content_recall", "content_f1"),
        ("attribution", "attribution_precision", "attribution_recall", "attribution_f1"),
    ]
    lines = [
        "| | precision | recall | F1 | F1, 95% interval (articles resampled) |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, p, r, f in rows:
        interval = metrics.get(f"{f}_interval")
        shown = f"{interval[0]:.3f}–{interval[1]:.3f}" if interval else "–"
        lines.append(
            f"| {name} | {metrics[p]:.3f} | {metrics[r]:.3f} | {metrics[f]:.3f} | {shown} |"
        )
    lines.append(
        f"| cross-sentence source | | {metrics['cross_sentence_recall']:.3f} "
        f"({metrics['cross_correct']}/{metrics['cross_gold']}) | | |"
    )
    lines.append("")
    lines.append(
        f"PolNeAR {metrics['split']}: {metrics['articles']} articles, {metrics['gold']} gold "
        f"attributions, {metrics['predicted']} predicted, {metrics['words']} words, "
        f"{metrics['words_per_second']:.0f} words/s."
    )
    return "\n".join(lines)
