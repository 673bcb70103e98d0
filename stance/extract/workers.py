"""Claim extraction on every core: whole documents shared out to worker processes.

spaCy's parser gains nothing from a multi-threaded BLAS on the small matrices of the small
English model (12,100 words/s with OpenBLAS threads on two cores, 12,500 with one thread),
and ``nlp.pipe(n_process=2)`` ships every parsed ``Doc`` back to the parent (7,500 words/s).
Here each worker runs the whole extractor on a chunk of documents with one BLAS thread, and
only the claims travel back, in document order.

Workers are forked, so they share the parent's loaded pipeline instead of loading their own;
off Linux (macOS, where forking after numpy's BLAS is loaded is unsafe, and Windows, which
cannot fork) extraction stays in one process.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import sys
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from typing import TYPE_CHECKING, Any

from stance.records import Claim, Document

if TYPE_CHECKING:
    from spacy.language import Language

#: Below this many words (about 25 news articles) the input is extracted in this process:
#: starting workers costs more than it saves.
PARALLEL_MIN_WORDS = 20_000
#: Words per chunk of documents sent to a worker.
CHUNK_WORDS = 5_000

_worker: dict[str, Any] = {}


def cores() -> int:
    """CPU cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def run(
    documents: Iterable[Document],
    nlp: Language,
    batch_size: int,
    gaz: Mapping[str, str],
    n_process: int | None,
) -> Iterator[Claim]:
    """Claims of ``documents`` in document order, on ``n_process`` workers (None: all cores
    once the input reaches :data:`PARALLEL_MIN_WORDS`)."""
    from stance.extract.core import extract_serial

    n = cores() if n_process is None else max(1, int(n_process))
    docs = iter(documents)
    if n == 1 or not _can_fork():
        yield from extract_serial(docs, nlp, batch_size, gaz)
        return
    head: list[Document] = []
    words = 0
    for doc in docs:
        head.append(doc)
        words += _words(doc)
        if n_process is not None or words >= PARALLEL_MIN_WORDS:
            break
    else:
        yield from extract_serial(head, nlp, batch_size, gaz)
        return
    yield from _parallel(itertools.chain(head, docs), nlp, batch_size, gaz, n)


def _can_fork() -> bool:
    # fork is safe with numpy and spaCy on Linux; on macOS the system frameworks behind
    # numpy's BLAS may not survive it, and Windows has no fork
    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


def _words(doc: Document) -> int:
    return doc.text.count(" ") + 1


def _chunks(docs: Iterable[Document], words: int) -> Iterator[list[Document]]:
    chunk: list[Document] = []
    size = 0
    for doc in docs:
        chunk.append(doc)
        size += _words(doc)
        if size >= words:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


def _parallel(
    docs: Iterable[Document], nlp: Language, batch_size: int, gaz: Mapping[str, str], n: int
) -> Iterator[Claim]:
    pool = ProcessPoolExecutor(
        max_workers=n,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_init,
        initargs=(nlp, batch_size, dict(gaz)),
    )
    pending: deque[Future[list[Claim]]] = deque()
    try:
        for chunk in _chunks(docs, CHUNK_WORDS):
            pending.append(pool.submit(_extract_chunk, chunk))
            # a bounded window: documents are read only as fast as workers finish them
            while len(pending) > 2 * n:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _init(nlp: Language, batch_size: int, gaz: dict[str, str]) -> None:
    from threadpoolctl import threadpool_limits

    # one BLAS thread per worker: the workers already use every core
    _worker["limits"] = threadpool_limits(limits=1, user_api="blas")
    _worker["args"] = (nlp, batch_size, gaz)


def _extract_chunk(docs: list[Document]) -> list[Claim]:
    from stance.extract.core import extract_serial

    nlp, batch_size, gaz = _worker["args"]
    return list(extract_serial(docs, nlp, batch_size, gaz))
