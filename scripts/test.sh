#!/usr/bin/env bash
# Install everything the test suite needs on a fresh machine, then run every test:
# core, figures, pages (Streamlit AppTest) and the browser tests (Playwright + Debian's Chromium).
# Extra arguments go to pytest, e.g. `bash scripts/test.sh tests/test_losses.py -x`.
set -euo pipefail
cd "$(dirname "$0")/.."

python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt

# The browser tests drive the system Chromium; Playwright never downloads a browser here.
if [ ! -x /usr/bin/chromium ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq chromium >/dev/null
fi

# One worker per core (-n auto); --dist loadfile keeps each test file in one worker, which the
# browser tests need (a module's tests share one server and tabs, in the order they are written).
exec python -m pytest -n auto --dist loadfile "$@"
