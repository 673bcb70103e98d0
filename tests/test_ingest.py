"""Reading documents: formats, page furniture, and bad input that never stops a batch."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from stance import ingest
from stance.errors import InputError
from stance.ingest import (
    MAX_TEXT_CHARS,
    clean_text,
    implausible_date,
    iter_documents,
    parse_date,
    read_documents,
)
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


@pytest.mark.parametrize(
    "value",
    [
        "someday",
        "2025-13-01",
        "31 February 2025",
        "12/02/2025",
        "2025-02-30",
        "2025-02-12T25:00:00",
        "2025-02-12T18:61",
        "2025-02-12Tnoon",
    ],
)
def test_parse_date_rejects_ambiguous_or_invalid(value):
    with pytest.raises(ValueError):
        parse_date(value)


# --------------------------------------------------------------------------------------------
# Bad input found in testing: each is processed or rejected with the reason, never dropped


def _md(path: Path, date: str, body: str = "Body text.") -> Path:
    path.write_text(f"---\ndate: {date}\n---\n{body}\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("date", "reason"),
    [
        ("0001-01-01", "date 0001-01-01 is before 1900; check the date"),
        ("1899-12-31", "date 1899-12-31 is before 1900; check the date"),
        ("9999-12-31", "date 9999-12-31 is in the future (today is 2026-11-29); check the date"),
        ("2031-05-01", "date 2031-05-01 is in the future (today is 2026-11-29); check the date"),
        ("2026-12-01", "date 2026-12-01 is in the future (today is 2026-11-29); check the date"),
    ],
)
def test_implausible_dates_are_rejected_and_the_batch_goes_on(tmp_path, monkeypatch, date, reason):
    monkeypatch.setattr(ingest, "utc_today", lambda: dt.date(2026, 11, 29))
    bad = _md(tmp_path / "a-bad.md", date)
    _md(tmp_path / "b-first.md", "1900-01-01")
    _md(tmp_path / "c-tomorrow.md", "2026-11-30")  # a time zone ahead of UTC
    result = read_documents([tmp_path])
    assert result.rejected == [Rejected(str(bad), reason)]
    assert [d.id for d in result.documents] == ["b-first", "c-tomorrow"]


def test_today_is_read_at_call_time(tmp_path, monkeypatch):
    today = dt.date(2026, 11, 29)
    assert implausible_date(dt.date(2026, 11, 30), today=today) is None
    assert "in the future" in implausible_date(dt.date(2026, 12, 1), today=today)
    monkeypatch.setattr(ingest, "utc_today", lambda: dt.date(2040, 1, 1))
    [doc] = read_documents([_md(tmp_path / "x.md", "2031-05-01")]).documents
    assert doc.date == dt.date(2031, 5, 1)


@pytest.mark.parametrize(
    ("date", "reason"),
    [
        (
            "2025-02-30",
            "date '2025-02-30': no such day (February 2025 has 28 days); check the date",
        ),
        (
            "2023-02-29",
            "date '2023-02-29': no such day (February 2023 has 28 days); check the date",
        ),
        (
            "31 April 2025",
            "date '31 April 2025': no such day (April 2025 has 30 days); check the date",
        ),
        (
            "2025-02-12T25:00:00",
            "date '2025-02-12T25:00:00': no such time of day (25:00:00); check the date",
        ),
    ],
)
def test_impossible_day_or_time_says_there_is_no_such_day(tmp_path, date, reason):
    [rej] = read_documents([_md(tmp_path / "x.md", date)]).rejected
    assert rej.reason == reason


def test_leap_day_and_iso_times_are_read(tmp_path):
    _md(tmp_path / "a.md", "2024-02-29")
    _md(tmp_path / "b.md", "2025-02-12T23:59:60Z")  # a leap second
    result = read_documents([tmp_path])
    assert result.rejected == []
    assert [d.date for d in result.documents] == [dt.date(2024, 2, 29), dt.date(2025, 2, 12)]


def test_folder_link_loop_is_rejected_once_and_files_are_read_once(tmp_path):
    adv = tmp_path / "adv"
    (adv / "selfloop").mkdir(parents=True)
    (adv / "selfloop" / "up").symlink_to("..")
    _md(adv / "genuine.md", "2025-02-12")
    _md(adv / "selfloop" / "inner.md", "2025-02-13")
    result = read_documents([adv])
    assert sorted(d.id for d in result.documents) == ["genuine", "inner"]
    assert result.rejected == [
        Rejected(str(adv / "selfloop" / "up"), f"folder link loop back to {adv}; remove the link")
    ]


def test_second_link_to_a_folder_is_reported_not_read_again(tmp_path):
    (tmp_path / "a-real").mkdir()
    _md(tmp_path / "a-real" / "x.md", "2025-02-12")
    (tmp_path / "b-link").symlink_to(tmp_path / "a-real")
    result = read_documents([tmp_path])
    assert [d.id for d in result.documents] == ["x"]
    [rej] = result.rejected
    assert rej.source == str(tmp_path / "b-link")
    assert rej.reason.startswith(f"same folder as {tmp_path / 'a-real'}, already read")


def test_path_listed_twice_is_read_once_and_reported(tmp_path):
    folder = tmp_path / "folder"
    folder.mkdir()
    doc = _md(folder / "x.md", "2025-02-12")
    result = read_documents([folder, doc])
    assert [d.id for d in result.documents] == ["x"]
    assert result.rejected == [
        Rejected(str(doc), "listed twice: this file was already read; remove the repeated path")
    ]
    result = read_documents([folder, folder])
    assert [d.id for d in result.documents] == ["x"]
    assert [r.reason for r in result.rejected] == [
        "listed twice: this folder was already read; remove the repeated path"
    ]


def test_utf16_without_byte_order_mark_is_named(tmp_path):
    utf16 = "looks like UTF-16 without a byte-order mark; re-save it as UTF-8"
    md = tmp_path / "le.md"
    md.write_bytes("---\ndate: 2025-02-12\n---\nText here.\n".encode("utf-16-le"))
    jsonl = tmp_path / "be.jsonl"
    jsonl.write_bytes('{"id": "a", "date": "2025-02-12", "text": "x"}\n'.encode("utf-16-be"))
    table = tmp_path / "le.csv"
    table.write_bytes("id,date,text\na,2025-02-12,x\n".encode("utf-16-le"))
    result = read_documents([md, jsonl, table])
    assert result.documents == []
    assert result.rejected == [Rejected(str(p), utf16) for p in (md, jsonl, table)]


_PAGE = (
    '<html><head>{head}<meta property="article:published_time" content="2025-02-12">'
    "</head><body><article><p>{body}</p></article></body></html>"
)


@pytest.mark.parametrize(
    ("head", "encoding"),
    [
        ('<meta charset="iso-8859-1">', "latin-1"),
        ('<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">', "cp1252"),
        ("<META CHARSET=ISO-8859-15>", "iso-8859-15"),
    ],
)
def test_html_declared_charset_is_honoured(tmp_path, head, encoding):
    page = tmp_path / "page.html"
    page.write_bytes(
        _PAGE.format(head=head, body="Caf\u00e9 talks in Z\u00fcrich.").encode(encoding)
    )
    result = read_documents([page])
    assert result.rejected == []
    assert result.documents[0].text == "Caf\u00e9 talks in Z\u00fcrich."


def test_html_latin1_page_with_curly_quotes_reads_as_browsers_do(tmp_path):
    page = tmp_path / "quotes.html"
    body = "\u201cWe agreed,\u201d he said."
    page.write_bytes(_PAGE.format(head='<meta charset="iso-8859-1">', body=body).encode("cp1252"))
    [doc] = read_documents([page]).documents
    assert doc.text == body


def test_html_unknown_declared_charset_is_named(tmp_path):
    page = tmp_path / "odd.html"
    page.write_bytes(
        _PAGE.format(head='<meta charset="x-klingon">', body="Caf\u00e9").encode("latin-1")
    )
    [rej] = read_documents([page]).rejected
    assert rej.reason == (
        "not valid UTF-8, and its declared charset 'x-klingon' is unknown; re-save the file as UTF-8"
    )


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.md", "", "empty file; "),
        ("blank.txt", "  \n\n\t\n", "empty file (only blank space); "),
        ("blank.html", "\n", "empty file (only blank space); "),
        ("empty.jsonl", "\n\n", "empty file; write one JSON object per line"),
    ],
)
def test_empty_files_say_they_are_empty(tmp_path, name, content, reason):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    [rej] = read_documents([path]).rejected
    assert rej.source == str(path)
    assert rej.reason.startswith(reason)


def test_jsonl_line_without_text_names_the_missing_field(tmp_path):
    path = tmp_path / "notext.jsonl"
    path.write_text(
        '{"id": "n1", "date": "2025-02-12"}\n{"id": "n2", "date": "2025-02-12", "text": "ok"}\n',
        encoding="utf-8",
    )
    result = read_documents([path])
    assert [d.id for d in result.documents] == ["n2"]
    assert result.rejected == [
        Rejected(
            f"{path}:line 1", 'no "text" field; add "text": "..." with the article to the line'
        )
    ]


def test_lists_and_mappings_where_one_value_is_expected_are_rejected(tmp_path):
    md = _md(tmp_path / "list-id.md", "2025-02-12\nid: [a, b]")
    jsonl = tmp_path / "wire.jsonl"
    jsonl.write_text(
        '{"id": ["n3"], "date": "2025-02-12", "text": "x"}\n'
        '{"id": "n4", "date": "2025-02-12", "text": "x", "title": {"a": 1}}\n'
        '{"id": "n5", "date": ["2025-02-12"], "text": "x"}\n'
        '{"id": 6, "date": "2025-02-12", "text": "x", "title": "Fine"}\n',
        encoding="utf-8",
    )
    result = read_documents([md, jsonl])
    assert [d.id for d in result.documents] == ["6"]  # a number is one value
    assert [(r.source, r.reason) for r in result.rejected] == [
        (str(md), "id is a list, not a single value; give the id as one string"),
        (f"{jsonl}:line 1", "id is a list, not a single value; give the id as one string"),
        (f"{jsonl}:line 2", "title is a mapping, not a single value; give the title as one string"),
        (f"{jsonl}:line 3", "date is a list, not a single value; give the date as one string"),
    ]


def test_csv_duplicate_column_rejects_the_file(tmp_path):
    path = tmp_path / "dup.csv"
    path.write_text("id,date,text,Text\na,2025-02-12,one,two\n", encoding="utf-8")
    assert read_documents([path]).rejected == [
        Rejected(
            str(path),
            "duplicate column 'text' in the header; keep one text column "
            "(rename or remove the others)",
        )
    ]
    other = tmp_path / "extra.csv"  # repeated columns the reader ignores do no harm
    other.write_text("id,date,text,note,note\na,2025-02-12,one,x,y\n", encoding="utf-8")
    assert [d.id for d in read_documents([other]).documents] == ["a"]


def test_text_over_the_size_limit_is_rejected_and_the_batch_goes_on(tmp_path):
    assert MAX_TEXT_CHARS == 1_000_000
    big = _md(tmp_path / "a-big.md", "2025-02-12", "x" * (MAX_TEXT_CHARS + 1))
    _md(tmp_path / "b-limit.md", "2025-02-12", "y" * MAX_TEXT_CHARS)
    result = read_documents([tmp_path])
    assert [d.id for d in result.documents] == ["b-limit"]
    assert result.rejected == [
        Rejected(
            str(big),
            "text is 1,000,001 characters, over the 1,000,000 limit for one article; "
            "split it into articles",
        )
    ]
