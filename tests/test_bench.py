"""The benchmarks are not run by the tests, but `make bench` must still work after a rename: each script
imports everything it names from the app, once benchsetup has set Django up as every script
does (a renamed service once broke three of them unnoticed)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"


@pytest.mark.parametrize("script", sorted(path.stem for path in BENCH.glob("*.py")))
def test_a_bench_script_imports(script):
    result = subprocess.run(
        [sys.executable, "-c", f"import benchsetup, {script}"],
        cwd=BENCH,
        env=os.environ | {"DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
