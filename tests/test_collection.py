"""The suite collects on a machine that has only what requirements-dev.txt installs.

torch, scikit-learn, keras, tensorflow and jax are deliberately not dependencies (the reference
scripts that need them are run by hand). A developer's machine often has them anyway, so a test
or module that imports one passes there and fails on a fresh clone. This test collects the whole
suite in a subprocess where those packages cannot be imported, so the slip fails everywhere.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOT_DEPENDENCIES = ("torch", "torchvision", "sklearn", "keras", "tensorflow", "jax")

# Put first on sys.path, this makes ``import torch`` (and the others) fail as if absent,
# including for ``pytest.importorskip``, which then skips as it would on a fresh machine.
BLOCKER = '''raise ModuleNotFoundError(
    "No module named {name!r} (blocked by tests/test_collection.py: not a lossviz dependency)",
    name={name!r},
)
'''


@pytest.fixture(scope="module")
def blocked_path(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("blocked_packages")
    for name in NOT_DEPENDENCIES:
        package = folder / name
        package.mkdir()
        (package / "__init__.py").write_text(BLOCKER.format(name=name))
    return folder


def collect(blocked: Path, *args: str) -> subprocess.CompletedProcess:
    environment = dict(os.environ, PYTHONPATH=os.pathsep.join([str(blocked), str(ROOT)]))
    return subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:xdist", "-p", "no:cacheprovider", *args],
        cwd=ROOT, env=environment, capture_output=True, text=True, timeout=300,
    )


def test_blocker_really_blocks(blocked_path):
    """The guard itself works: with the blocker first on the path, ``import torch`` fails."""
    environment = dict(os.environ, PYTHONPATH=str(blocked_path))
    for name in NOT_DEPENDENCIES:
        result = subprocess.run([sys.executable, "-c", f"import {name}"], env=environment, capture_output=True, text=True)
        assert result.returncode != 0 and "blocked by tests/test_collection.py" in result.stderr, name


def test_a_module_needing_torch_would_be_caught(blocked_path, tmp_path):
    """A collected file that imports torch makes the guarded collection fail (so the guard can fail)."""
    (tmp_path / "test_needs_torch.py").write_text("import torch\n\ndef test_x():\n    pass\n")
    result = collect(blocked_path, "--rootdir", str(tmp_path), "-c", os.devnull, str(tmp_path))
    assert result.returncode != 0
    assert "blocked by tests/test_collection.py" in result.stdout + result.stderr


def test_whole_suite_collects_without_optional_packages(blocked_path):
    """Every test file and every lossviz module collects with torch/sklearn/keras/tensorflow/jax absent."""
    result = collect(blocked_path)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]
    assert "error" not in output.lower().splitlines()[-1], output[-4000:]
    assert "tests/reference/make_" not in output, "the reference scripts must not be collected"
