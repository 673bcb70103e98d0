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
