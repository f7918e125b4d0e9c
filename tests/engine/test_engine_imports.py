"""The engine stands alone: importing any of its modules loads no UI or CLI library."""

import subprocess
import sys

CODE = """
import importlib, pkgutil, sys
import engine
for info in pkgutil.walk_packages(engine.__path__, "engine."):
    importlib.import_module(info.name)
heavy = ("textual", "plotext", "click", "tui", "rich", "torch")
print(sorted({m.split(".")[0] for m in sys.modules if m.split(".")[0] in heavy}))
"""


def test_engine_imports_no_ui():
    proc = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"
