"""Reading documents: formats, page furniture, and bad input that never stops a batch."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from stance.errors import InputError
from stance.ingest import clean_text, iter_documents, parse_date, read_documents
from stance.records import Document, Rejected

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ingest"
BATCH = FIXTURES / "batch"
SEED_ARTICLE = (
    Path(__file__).resolve().parents[1] / "fixtures" / "seed" / "articles"
) / "trump-putin-ukraine-2025-02-12.md"


def _rejected_for(result, name: str) -> Rejected:
    matches = [r for r in result.rejected if name in r.source]
    assert len(matches) == 1, (name, result.rejected)
    return matches[0]


@pytest.fixture(scope="module")
def batch():
    return read_documents([BATCH])


def test_folder_batch_reads_every_format_and_accounts_for_every_input(batch):
    ids = [d.id for d in batch.documents]
    assert ids == ["csv-1", "csv-2", "story-1", "page", "wire-1", "wire-2"]
    # 6 documents + 9 rejected inputs: nothing is dropped silently
    assert len(batch.rejected) == 9
    assert all(isinstance(d, Document) for d in batch.documents)


def test_jsonl_fields_and_datetime_becomes_date(batch):
    docs = {d.id: d for d in batch.documents}
    assert docs["wire-1"].title == "Kremlin welcomes call"
    assert docs["wire-1"].outlet == "Wire"
    assert docs["wire-1"].source.endswith("wire.jsonl:line 1")
    assert docs["wire-2"].date == dt.date(2025, 2, 14)
    assert docs["wire-2"].url == "https://example.org/wire-2"
    assert "ADVERTISEMENT" not in docs["wire-1"].text
    assert docs["wire-1"].text == (
        "Russian officials welcomed the call.\n\nThe Kremlin said talks could start soon."
    )


def test_jsonl_bad_lines_are_rejected_with_line_numbers(batch):
    bad_json = _rejected_for(batch, "wire.jsonl:line 3")
    assert bad_json.reason.startswith("invalid JSON:")
    assert "one JSON object per line" in bad_json.reason
    no_date = _rejected_for(batch, "wire.jsonl:line 4")
    assert no_date.reason.startswith("no date;") and "YYYY-MM-DD" in no_date.reason
    furniture_only = _rejected_for(batch, "wire.jsonl:line 6")
    assert furniture_only.reason.startswith("empty text after removing page furniture")


def test_csv_rows_with_multiline_cells(batch):
    docs = {d.id: d for d in batch.documents}
    first = docs["csv-1"]
    assert first.date == dt.date(2025, 2, 12)  # "February 12, 2025"
    assert first.text == "Hegseth said membership was unrealistic."  # "Read more" stripped
    assert (first.title, first.outlet, first.author) == (
        "NATO briefing",
        "Brief Outlet",
        "A. Writer",
    )
    assert first.url is None
    assert docs["csv-2"].source.endswith("briefs.csv:row 3")
    undated = _rejected_for(batch, "briefs.csv:row 4")
    assert "'someday'" in undated.reason and "YYYY-MM-DD" in undated.reason


def test_markdown_front_matter(batch):
    doc = next(d for d in batch.documents if d.id == "story-1")
    assert doc.date == dt.date(2025, 2, 12)
    assert doc.title == "Zelenskyy speaks to Trump"
    assert doc.author == "Jane Reporter"
    assert doc.text == (
        "Zelenskyy said he had a meaningful conversation with Trump.\n\nHe said he was grateful."
    )


def test_html_main_text_and_metadata(batch):
    doc = next(d for d in batch.documents if d.id == "page")
    assert doc.date == dt.date(2025, 2, 12)  # the date as written, not converted to UTC
    assert doc.title == "Trump and Putin agree to talks"  # og:title wins over <title>
    assert doc.outlet == "Example News"
    assert doc.author == "Sam Writer"
    assert doc.url == "https://example.org/trump-putin"
    assert "SCRIPT TEXT" not in doc.text
    for furniture in ("Home", "Politics", "Promo outside", "Related", "Subscribe", "Copyright"):
        assert furniture not in doc.text
    paragraphs = doc.text.split("\n\n")
    assert paragraphs[1] == (
        "US President Donald Trump said he and Vladimir Putin had agreed to begin negotiations."
    )
    assert paragraphs[-1] == "“I think we’re on the way to getting peace.”"


def test_html_time_element_and_title_fallback(tmp_path):
    page = tmp_path / "t.htm"
    page.write_text(
        "<html><head><title>Plain title</title></head><body><main>"
        '<p>Posted <time datetime="2024-07-10">10 July</time></p><p>Body.</p>'
        "</main></body></html>",
        encoding="utf-8",
    )
    [doc] = read_documents([page]).documents
    assert doc.date == dt.date(2024, 7, 10)
    assert doc.title == "Plain title"
    assert doc.text == "Posted 10 July\n\nBody."


def test_html_without_date_is_rejected_with_fix(tmp_path):
    page = tmp_path / "nodate.html"
    page.write_text("<html><body><p>Text.</p></body></html>", encoding="utf-8")
    [rej] = read_documents([page]).rejected
    assert rej.source == str(page)
    assert rej.reason.startswith("no date;") and "article:published_time" in rej.reason


def test_front_matter_errors_say_what_to_fix(batch):
    assert _rejected_for(batch, "no-date.md").reason == (
        "no date; add `date: YYYY-MM-DD` to the front matter"
    )
    bad_yaml = _rejected_for(batch, "bad-yaml.md").reason
    assert bad_yaml.startswith("malformed YAML front matter:")
    assert bad_yaml.endswith("fix the block between the --- lines")
    assert "\n" not in bad_yaml
    assert _rejected_for(batch, "only-furniture.txt").reason.startswith(
        "empty text after removing page furniture"
    )


def test_unsupported_type_and_duplicate_id(batch):
    assert _rejected_for(batch, "notes.docx").reason.startswith("unsupported file type '.docx'")
    dup = _rejected_for(batch, "dup.md").reason
    assert dup.startswith("duplicate id 'story-1' (first seen in ")
    assert "story.md" in dup and dup.endswith("give each document a unique id")


def test_text_without_front_matter_gets_stem_id_but_needs_a_date(tmp_path):
    plain = tmp_path / "plain-note.txt"
    plain.write_text("Just text.\n", encoding="utf-8")
    [rej] = read_documents([plain]).rejected
    assert "add a front matter block" in rej.reason
    dated = tmp_path / "dated-note.txt"
    dated.write_text("---\ndate: 12 February 2025\n---\nJust text.\n", encoding="utf-8")
    [doc] = read_documents([dated]).documents
    assert (doc.id, doc.date, doc.text) == ("dated-note", dt.date(2025, 2, 12), "Just text.")


def test_impossible_front_matter_date_is_rejected_and_the_batch_goes_on(tmp_path):
    (tmp_path / "a-bad.md").write_text("---\ndate: 2025-13-45\n---\nText.\n", encoding="utf-8")
    (tmp_path / "b-good.md").write_text("---\ndate: 2025-02-12\n---\nText.\n", encoding="utf-8")
    result = read_documents([tmp_path])
    [rej] = result.rejected
    assert rej.source.endswith("a-bad.md") and "'2025-13-45'" in rej.reason
    assert "YYYY-MM-DD" in rej.reason
    assert [(d.id, d.date) for d in result.documents] == [("b-good", dt.date(2025, 2, 12))]


def test_invalid_utf8_is_rejected_and_the_batch_goes_on(tmp_path):
    bad = tmp_path / "a-latin1.md"
    bad.write_bytes("---\ndate: 2025-02-12\n---\nCaf\u00e9 talks.\n".encode("latin-1"))
    good = tmp_path / "b-good.md"
    good.write_text("---\ndate: 2025-02-12\n---\nGood text.\n", encoding="utf-8")
    result = read_documents([tmp_path])
    assert [d.id for d in result.documents] == ["b-good"]
    [rej] = result.rejected
    assert rej.source == str(bad)
    assert rej.reason == ("not valid UTF-8 (byte 0xe9 at offset 28); re-save the file as UTF-8")


def test_invalid_utf8_in_one_jsonl_line_spoils_only_that_line(tmp_path):
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(
        b'{"id": "a", "date": "2025-02-12", "text": "ok"}\n'
        b'{"id": "b", "date": "2025-02-12", "text": "caf\xe9"}\n'
        b'{"id": "c", "date": "2025-02-12", "text": "also ok"}\n'
    )
    result = read_documents([path])
    assert [d.id for d in result.documents] == ["a", "c"]
    [rej] = result.rejected
    assert rej.source == f"{path}:line 2"
    assert rej.reason.startswith("not valid UTF-8 (byte 0xe9 at offset ")
    assert rej.reason.endswith("re-save the file as UTF-8")


def test_invalid_utf8_in_one_csv_row_spoils_only_that_row(tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_bytes(b"id,date,text\na,2025-02-12,ok\nb,2025-02-12,caf\xe9\nc,2025-02-12,fine\n")
    result = read_documents([path])
    assert [d.id for d in result.documents] == ["a", "c"]
    assert result.rejected[0].source == f"{path}:row 3"
    assert "not valid UTF-8" in result.rejected[0].reason


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8-sig"])
def test_byte_order_marks_are_decoded(tmp_path, encoding):
    md = tmp_path / "bom.md"
    md.write_text("---\ndate: 2025-02-12\n---\nKyiv \u2019s view.\n", encoding=encoding)
    jsonl = tmp_path / "bom.jsonl"
    jsonl.write_text(
        '{"id": "j1", "date": "2025-02-12", "text": "Line one."}\n'
        '{"id": "j2", "date": "2025-02-13", "text": "Line two."}\n',
        encoding=encoding,
    )
    csv_path = tmp_path / "bom.csv"
    csv_path.write_text("id,date,text\nc1,2025-02-12,Row one.\n", encoding=encoding)
    result = read_documents([tmp_path])
    assert result.rejected == []
    assert sorted(d.id for d in result.documents) == ["bom", "c1", "j1", "j2"]
    assert next(d for d in result.documents if d.id == "bom").text == "Kyiv \u2019s view."


def test_csv_missing_column_rejects_the_file(tmp_path):
    path = tmp_path / "nodates.csv"
    path.write_text("id,text\na,hello\n", encoding="utf-8")
    [rej] = read_documents([path]).rejected
    assert rej.source == str(path)
    assert rej.reason == "missing column 'date'; CSV needs columns id,date,text"


def test_unreadable_file(tmp_path, monkeypatch):
    path = tmp_path / "secret.md"
    path.write_text("---\ndate: 2025-02-12\n---\nx\n", encoding="utf-8")
    other = tmp_path / "zz-other.md"
    other.write_text("---\ndate: 2025-02-12\n---\ny\n", encoding="utf-8")
    real_read_bytes = Path.read_bytes

    def read_bytes(self):
        if self.name == "secret.md":  # what a file without read permission does (even as root)
            raise PermissionError(13, "Permission denied", str(self))
        return real_read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    result = read_documents([tmp_path])
    assert [d.id for d in result.documents] == ["zz-other"]
    [rej] = result.rejected
    assert rej.source == str(path)
    assert rej.reason.startswith("unreadable: permission denied;")


def test_unreadable_folder_entry_is_reported(tmp_path):
    # A dangling symlink cannot be read: it is reported, not skipped.
    (tmp_path / "gone.md").symlink_to(tmp_path / "missing-target.md")
    [rej] = read_documents([tmp_path]).rejected
    assert rej.source.endswith("gone.md")
    assert rej.reason.startswith("unreadable: no such file or directory")


def test_missing_path_raises_input_error(tmp_path):
    with pytest.raises(InputError, match="no such file or folder: .*nope.*documents"):
        read_documents([tmp_path / "nope"])


def test_iter_documents_streams_lazily(tmp_path):
    path = tmp_path / "big.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for i in range(1000):
            fh.write(f'{{"id": "d{i}", "date": "2025-01-01", "text": "Text {i}."}}\n')
    stream = iter_documents([path])
    first = next(stream)
    assert first.id == "d0"
    assert sum(1 for _ in stream) == 999


def test_seed_article_furniture_is_stripped():
    [doc] = read_documents([SEED_ARTICLE]).documents
    assert doc.id == "trump-putin-ukraine-2025-02-12"
    assert doc.date == dt.date(2025, 2, 12)
    raw = SEED_ARTICLE.read_text(encoding="utf-8")
    for furniture in ("ADVERTISEMENT", "Source link", "Back to top", "Checkout latest", "||"):
        assert furniture in raw
        assert furniture not in doc.text
    assert doc.text.endswith("\u201cI am grateful to President Trump,\u201d he said.")
    quote = "I don\u2019t think it\u2019s practical to have it, personally"
    assert quote in doc.text
    assert "\n\n\n" not in doc.text
    # paragraphs are kept as written: every body paragraph is a paragraph of the text
    body = raw.split("---\n", 2)[2]
    body_paragraphs = [p.strip() for p in body.split("\n\n")]
    assert all(p in body_paragraphs for p in doc.text.split("\n\n"))


def test_clean_text_keeps_paragraphs_and_normalises_lines():
    raw = "First  line\u00a0here. \r\nSecond line.\r\n\r\n\r\n\r\nAdvertisement\n  Share  \nLast."
    assert clean_text(raw) == "First line here.\nSecond line.\n\nLast."
    # a sentence that merely mentions a furniture word is kept
    assert clean_text("Read more about the talks in our report.") == (
        "Read more about the talks in our report."
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-02-12", dt.date(2025, 2, 12)),
        ("2025-02-12T23:59:00+05:00", dt.date(2025, 2, 12)),
        ("2025-02-12T10:00:00Z", dt.date(2025, 2, 12)),
        ("12 February 2025", dt.date(2025, 2, 12)),
        ("February 12, 2025", dt.date(2025, 2, 12)),
        ("Wednesday, February 12, 2025", dt.date(2025, 2, 12)),
        ("12 Feb. 2025", dt.date(2025, 2, 12)),
        ("Wed, 12 Feb 2025 18:30:00 GMT", dt.date(2025, 2, 12)),
        (dt.datetime(2025, 2, 12, 8, 0), dt.date(2025, 2, 12)),
    ],
)
def test_parse_date_forms(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize("value", ["someday", "2025-13-01", "31 February 2025", "12/02/2025"])
def test_parse_date_rejects_ambiguous_or_invalid(value):
    with pytest.raises(ValueError):
        parse_date(value)
