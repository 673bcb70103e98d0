"""Run config loading: paths, packaged data, clear errors."""

from __future__ import annotations

import pytest

from stance.config import DATA_DIR, load_config
from stance.errors import ConfigError


def test_seed_config_resolves_paths(fixtures):
    cfg = load_config(fixtures / "seed" / "stance.toml")
    assert cfg.documents == ((fixtures / "seed" / "articles").resolve(),)
    assert cfg.codebook == DATA_DIR / "codebook.yaml" and cfg.codebook.exists()
    assert cfg.actors.exists() and all(p.exists() for p in cfg.baseline)
    assert set(cfg.as_kwargs()) >= {
        "documents",
        "codebook",
        "actors",
        "baseline",
        "out_dir",
        "store",
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("documents = [", "not valid TOML"),
        ('documents = ["a"]\ncolour = "red"', "unknown key(s) colour"),
        ('codebook = "x.yaml"', "missing key 'documents'"),
        ("documents = [1, 2]", "'documents' must be a path or a list of paths"),
    ],
)
def test_bad_config_is_one_clear_line(tmp_path, text, message):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert message in str(err.value) and str(path) in str(err.value)
    assert "\n" not in str(err.value)


def test_missing_config(tmp_path):
    with pytest.raises(ConfigError, match="no such config file"):
        load_config(tmp_path / "nope.toml")


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('dated_reports = "false"', "'dated_reports' must be true or false"),
        ("adapt_to_examples = 1", "'adapt_to_examples' must be true or false"),
        ('topic_threshold = "high"', "'topic_threshold' must be a number from 0 to 1"),
        ("min_confidence = 7", "'min_confidence' must be a number from 0 to 1, not 7"),
        ("codebook = 5", "'codebook' must be a path in quotes"),
        ("governments = [1]", "'governments' must be a list of registry ids"),
    ],
)
def test_a_value_of_the_wrong_type_names_its_key(tmp_path, line, message):
    # a quoted "false" is a non-empty string: it would have turned dated reports on
    path = tmp_path / "bad.toml"
    path.write_text(f'documents = ["a"]\n{line}\n')
    with pytest.raises(ConfigError, match=message) as err:
        load_config(path)
    assert str(path) in str(err.value)


def test_numbers_flags_and_one_government_are_read_as_written(tmp_path):
    path = tmp_path / "ok.toml"
    path.write_text(
        'documents = ["a"]\ntopic_threshold = 1\nmin_confidence = 0.25\ndated_reports = true\n'
        'governments = "us-executive"\n'
    )
    cfg = load_config(path)
    assert cfg.topic_threshold == 1.0 and cfg.min_confidence == 0.25 and cfg.dated_reports
    assert cfg.governments == ("us-executive",)


def test_a_folder_as_config(tmp_path):
    with pytest.raises(ConfigError, match="a folder, not a config file"):
        load_config(tmp_path)
