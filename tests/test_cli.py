"""The command line: fast help, one-line errors with documented exit codes."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from stance.cli import main


def _run(args, capsys, monkeypatch):
    monkeypatch.setattr(sys, "argv", ["stance", *args])
    with pytest.raises(SystemExit) as exit_info:
        main()
    captured = capsys.readouterr()
    return exit_info.value.code, captured.out, captured.err


def test_help_lists_commands_without_heavy_imports():
    code = (
        "import sys\n"
        "from stance.cli import app\n"
        "from typer.testing import CliRunner\n"
        "r = CliRunner().invoke(app, ['--help'])\n"
        "print(r.output)\n"
        "print('HEAVY', sorted(m for m in ('torch', 'spacy', 'pandas', 'matplotlib', 'sklearn') if m in sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    for command in (
        "run",
        "classify",
        "evaluate",
        "train",
        "compare",
        "export",
        "evaluate-attribution",
        "check-codebook",
    ):
        assert command in out
    assert "HEAVY []" in out


def test_missing_config_is_a_one_line_user_error(tmp_path, capsys, monkeypatch):
    code, _, err = _run(
        ["run", "--config", str(tmp_path / "nope.toml"), "--out", str(tmp_path)],
        capsys,
        monkeypatch,
    )
    assert code == 2
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ") and "nope.toml" in lines[0]


def test_malformed_codebook_names_the_file(tmp_path, capsys, monkeypatch, fixtures):
    bad = tmp_path / "codebook.yaml"
    bad.write_text("topics: [\n  - id: x\n")
    config = tmp_path / "stance.toml"
    config.write_text(
        f'documents = ["{fixtures / "synthetic" / "articles.jsonl"}"]\ncodebook = "{bad}"\n'
    )
    code, _, err = _run(
        ["run", "--config", str(config), "--out", str(tmp_path / "out")], capsys, monkeypatch
    )
    assert code == 2 and "codebook.yaml" in err and err.startswith("error: ")


def test_compare_without_store_says_what_to_do(tmp_path, capsys, monkeypatch, fixtures):
    config = tmp_path / "stance.toml"
    config.write_text(
        f'documents = ["{fixtures / "synthetic" / "articles.jsonl"}"]\n'
        f'actors = "{fixtures / "synthetic" / "actors.yaml"}"\n'
        f'codebook = "{fixtures / "synthetic" / "codebook.yaml"}"\nout_dir = "out"\n'
    )
    args = [
        "compare",
        "--config",
        str(config),
        "--government",
        "norland-executive",
        "--baseline",
        "varga",
        "--current",
        "brandt",
    ]
    code, _, err = _run(args, capsys, monkeypatch)
    assert code == 2 and "run `stance run --config" in err
    code, _, err = _run([*args[:-1], "nobody"], capsys, monkeypatch)
    assert code == 2 and "no administration 'nobody'" in err


def test_check_codebook_lists_misread_examples_and_writes_every_reading(
    tmp_path, capsys, monkeypatch
):
    book = tmp_path / "codebook.yaml"
    book.write_text(
        "name: t\nversion: '1'\ntopics:\n"
        "  - id: nato\n    label: NATO\n    proposition: Ukraine should become a member of NATO\n"
        "    favor_examples: [Ukraine's place is in the alliance.]\n"
        "    against_examples: [Bringing Ukraine into NATO is not realistic.,"
        " Ukraine will join NATO and we will welcome it.]\n"
    )
    code, out, _ = _run(
        ["check-codebook", "--codebook", str(book), "-o", str(tmp_path / "r.csv")],
        capsys,
        monkeypatch,
    )
    assert code in (0, None)
    assert "nato: 2 of 3 read as labelled" in out
    assert "  against read as favor: Ukraine will join NATO and we will welcome it." in out
    assert "the model reads 2 of 3 examples as labelled" in out
    assert (tmp_path / "r.csv").read_text().count("\n") == 4  # header and three examples


def test_check_codebook_without_examples_says_what_to_add(capsys, monkeypatch, fixtures):
    book = fixtures / "synthetic" / "codebook.yaml"
    code, _, err = _run(["check-codebook", "--codebook", str(book)], capsys, monkeypatch)
    assert code == 2 and err.count("\n") == 1
    assert err.startswith("error: ") and "codebook.yaml" in err and "favor_examples" in err


def test_wrong_paths_for_what_a_command_writes_or_loads_exit_2(
    tmp_path, capsys, monkeypatch, fixtures
):
    pairs = tmp_path / "pairs.csv"
    pairs.write_text("text,target\nWe must legalise it.,Cannabis should be legal\n")
    out = tmp_path / "out.csv"
    cases = [
        (["classify", "-i", str(pairs), "-o", str(out), "--model", str(tmp_path / "nope")],
         "no such model folder"),
        (["check-codebook", "-o", str(tmp_path)], "a folder, not a file; pass --output"),
        (["run", "-c", str(tmp_path)], "a folder, not a config file"),
        (["run", "-c", str(fixtures / "synthetic" / "stance.toml"), "--out",
          str(tmp_path / "r"), "--log-file", str(tmp_path)], "pass --log-file with a file name"),
    ]  # fmt: skip
    for args, message in cases:
        code, _, err = _run(args, capsys, monkeypatch)
        assert code == 2 and message in err and "Traceback" not in err, (args, err)
    assert not out.exists() and not (tmp_path / "r" / "stance.sqlite").exists()


def test_a_run_that_reads_no_document_exits_2_after_its_report(tmp_path, capsys, monkeypatch):
    # a feed that delivered nothing readable must not look like a quiet day to a scheduler
    bad = tmp_path / "articles"
    bad.mkdir()
    (bad / "a.md").write_text("no front matter, no date\n")
    for documents, message in (
        ([str(bad)], "no document could be read; all 1 were rejected (reasons in run.json"),
        ([], "no document could be read; none found: check `documents`"),
    ):
        config = tmp_path / "stance.toml"
        config.write_text(f"documents = {json.dumps(documents)}\n")
        out = tmp_path / f"out{len(documents)}"
        code, stdout, err = _run(
            ["run", "-c", str(config), "-o", str(out), "-q"], capsys, monkeypatch
        )
        assert code == 2 and message in err and "Traceback" not in err
        assert (out / "report.html").exists()
        assert json.loads(stdout)["documents_rejected"] == len(documents)


def test_an_unknown_government_and_an_unwritable_out_name_the_fix(
    tmp_path, capsys, monkeypatch, fixtures
):
    config = tmp_path / "stance.toml"
    config.write_text(
        f'documents = ["{fixtures / "seed" / "articles"}"]\ngovernments = ["us-exec"]\n'
    )
    code, _, err = _run(["run", "-c", str(config), "-o", str(tmp_path / "o")], capsys, monkeypatch)
    assert code == 2 and "no government 'us-exec' for `governments`; known: " in err
    assert "us-executive" in err
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code, _, err = _run(["run", "-c", str(config), "-o", str(blocker / "o")], capsys, monkeypatch)
    assert code == 2 and "pass --out (or out_dir in the config) with a writable path" in err


def test_check_codebook_reads_the_packaged_codebook_by_its_config_name(capsys, monkeypatch):
    code, out, _ = _run(
        ["check-codebook", "--codebook", "stance:codebook.yaml"], capsys, monkeypatch
    )
    assert code == 0 and "stance/data/codebook.yaml: the model reads" in out
