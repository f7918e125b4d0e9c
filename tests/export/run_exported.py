"""Run exported PyTorch scripts one after another in this one process (PyTorch is imported once,
which takes seconds): ``python run_exported.py SCRIPT...``. Each script runs as ``python SCRIPT
--json`` would (``runpy``, ``__name__ == "__main__"``, in a fresh namespace); its output, or the
traceback it ended with, goes to SCRIPT with the suffix ``.out``.
"""

import contextlib
import io
import runpy
import sys
import traceback
from pathlib import Path


def main(scripts: list[str]) -> None:
    for script in scripts:
        out = io.StringIO()
        sys.argv = [script, "--json"]
        try:
            with contextlib.redirect_stdout(out):
                runpy.run_path(script, run_name="__main__")
        except BaseException:  # recorded for the test to show
            out = io.StringIO("error\n" + traceback.format_exc())
        Path(script).with_suffix(".out").write_text(out.getvalue(), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1:])
