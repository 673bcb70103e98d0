"""Look at reading a reversal through the action it undoes, before building it into the model.

    python bench/undo_rewrite.py [--sets news_dev ...] [--show 12]

A statement whose main verb (the root, or the clause a reporting verb such as "said"
introduces) is an unnegated undoing verb ("scrapped the age limit", "pulled out of the pact")
is rewritten with the doing verb ("introduced the age limit", "joined the pact"); the rewrite
is scored and its favor and against swapped. Other statements are scored as they are. Printed,
for the packaged split and with the rewrite: dev mean, contrast-set accuracy, rows right on the
read news sets per variation, and how many statements were rewritten per part (with
``--show`` examples). Nothing is written (docs/stance-model.md, session 19).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
from side_share import CLASSES, CONTRAST, READ_SETS, tally

#: undoing verb lemma -> doing verb lemma (the list declared in docs/stance-model.md)
UNDO = {
    "scrap": "introduce",
    "abandon": "adopt",
    "drop": "adopt",
    "repeal": "enact",
    "lift": "impose",
    "withdraw": "join",
    "pull": "join",  # only as "pull out (of)"
    "shelve": "approve",
    "axe": "introduce",
    "ditch": "adopt",
    "rescind": "enact",
    "revoke": "approve",
    "cancel": "approve",
    "reverse": "adopt",
    "overturn": "approve",
    "roll": "introduce",  # only as "roll back"
}
NEEDS_PARTICLE = {"pull": "out", "roll": "back"}
#: inflected forms of the undoing verbs (the parser here runs without a lemmatizer)
UNDO_FORMS = {
    form: lemma
    for lemma, forms in {
        "scrap": "scrap scraps scrapped scrapping",
        "abandon": "abandon abandons abandoned abandoning",
        "drop": "drop drops dropped dropping",
        "repeal": "repeal repeals repealed repealing",
        "lift": "lift lifts lifted lifting",
        "withdraw": "withdraw withdraws withdrew withdrawn withdrawing",
        "pull": "pull pulls pulled pulling",
        "shelve": "shelve shelves shelved shelving",
        "axe": "axe axes axed axing",
        "ditch": "ditch ditches ditched ditching",
        "rescind": "rescind rescinds rescinded rescinding",
        "revoke": "revoke revokes revoked revoking",
        "cancel": "cancel cancels cancelled canceled cancelling canceling",
        "reverse": "reverse reverses reversed reversing",
        "overturn": "overturn overturns overturned overturning",
        "roll": "roll rolls rolled rolling",
    }.items()
    for form in forms.split()
}
REPORTING_FORMS = {
    form
    for forms in (
        "say says said saying",
        "announce announces announced announcing",
        "confirm confirms confirmed confirming",
        "tell tells told telling",
        "state states stated stating",
        "declare declares declared declaring",
        "add adds added adding",
        "report reports reported reporting",
        "decide decides decided deciding",
    )
    for form in forms.split()
}
FORMS = {
    "introduce": ("introduce", "introduces", "introduced", "introducing"),
    "adopt": ("adopt", "adopts", "adopted", "adopting"),
    "impose": ("impose", "imposes", "imposed", "imposing"),
    "join": ("join", "joins", "joined", "joining"),
    "approve": ("approve", "approves", "approved", "approving"),
    "enact": ("enact", "enacts", "enacted", "enacting"),
}


def _form(lemma: str, tag: str) -> str:
    base, third, past, ing = FORMS[lemma]
    if tag in ("VBD", "VBN"):
        return past
    if tag == "VBZ":
        return third
    if tag == "VBG":
        return ing
    return base


def _main_verbs(sent) -> list:
    """The root, or for a reporting root the verbs of the clauses it introduces."""
    root = sent.root
    if root.lower_ in REPORTING_FORMS:
        if any(c.dep_ == "neg" for c in root.children):
            return []
        return [
            c for c in root.children if c.dep_ in ("ccomp", "xcomp") and c.tag_.startswith("VB")
        ]
    return [root]


def rewrite(doc) -> str | None:
    """The statement with its main undoing verb done instead, or None when there is none."""
    for sent in doc.sents:
        for verb in _main_verbs(sent):
            lemma = UNDO_FORMS.get(verb.lower_)
            if lemma is None or any(c.dep_ == "neg" for c in verb.children):
                continue
            particle = NEEDS_PARTICLE.get(lemma)
            drop = set()
            if particle:  # "pulled out (of)", "rolled back": prt, prep or advmod to the parser
                prt = [c for c in verb.children if c.lower_ == particle]
                if not prt:
                    continue
                drop.add(prt[0].i)
                drop |= {c.i for c in prt[0].children if c.dep_ == "prep" and c.lower_ == "of"}
            if UNDO[lemma] == "join":  # "withdrew from X", "pulled out of X" -> "joined X"
                drop |= {
                    c.i for c in verb.children if c.dep_ == "prep" and c.lower_ in ("from", "of")
                }
            words = []
            for tok in doc:
                if tok.i in drop:
                    continue
                text = _form(UNDO[lemma], verb.tag_) if tok.i == verb.i else tok.text
                if tok.i == verb.i and tok.text[:1].isupper():
                    text = text.capitalize()
                words.append(text + tok.whitespace_)
            return "".join(words).strip()
    return None


def main() -> None:
    import pandas as pd

    from stance.extract.nlp import load_nlp
    from stance.model.soup import _checked_pairs
    from stance.model.stance_model import StanceModel
    from stance.model.train import dev_sample

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=Path("../shared/datasets"))
    ap.add_argument("--sets", nargs="+", default=list(READ_SETS))
    ap.add_argument("--show", type=int, default=12)
    args = ap.parse_args()

    model = StanceModel.load()
    nlp = load_nlp()
    frame = _checked_pairs([model.path], args.data)
    parts = {
        "dev": dev_sample(frame[frame["split"] != "test"].reset_index(drop=True)),
        "contrast": pd.read_csv(CONTRAST / "contrast_set.csv"),
        **{name: pd.read_csv(CONTRAST / f"{name}.csv") for name in args.sets},
    }
    a, f = list(CLASSES).index("against"), list(CLASSES).index("favor")
    results: dict[str, dict[str, float | int]] = {}
    rewritten: dict[str, int] = {}
    shown = []
    for part, rows in parts.items():
        texts, targets = rows["text"].astype(str).tolist(), rows["target"].astype(str).tolist()
        proba = model.predict_proba(texts, targets)
        new = [rewrite(doc) for doc in nlp.pipe(texts, batch_size=64)]
        idx = [i for i, t in enumerate(new) if t is not None]
        joined = proba.copy()
        if idx:
            other = model.predict_proba([new[i] for i in idx], [targets[i] for i in idx])
            other[:, [a, f]] = other[:, [f, a]]
            joined[idx] = other
        rewritten[part] = len(idx)
        if "variation" in rows and part != "contrast":
            for i in idx:
                key = f"rewritten {rows['variation'].iloc[i]}"
                rewritten[key] = rewritten.get(key, 0) + 1
            shown += [(texts[i], new[i], rows["label"].iloc[i]) for i in idx]
        tally(results.setdefault("packaged split", {}), part, rows, proba)
        tally(results.setdefault("with the rewrite", {}), part, rows, joined)
    news_rows = sum(len(parts[name]) for name in args.sets)
    print(json.dumps({"news_rows": news_rows, "rewritten": rewritten, "ways": results}, indent=1))
    rng = np.random.default_rng(13)
    for k in rng.permutation(len(shown))[: args.show]:
        before, after, label = shown[k]
        print(f"[{label}] {before}\n   -> {after}")


if __name__ == "__main__":
    main()
