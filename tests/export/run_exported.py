"""Run exported PyTorch scripts one after another in this one process (PyTorch is imported once,
which takes seconds): ``python run_exported.py SCRIPT...``. Each script runs as ``python SCRIPT
--json`` would (``runpy``, ``__name__ == "__main__"``, in a fresh namespace); its output, or the
traceback it ended with, goes to SCRIPT with the suffix ``.out``, and its exit status (0, or 3
when training diverged) to SCRIPT with the suffix ``.status``.
"""

import contextlib
import io
import runpy
import sys
import traceback
from pathlib import Path


def main(scripts: list[str]) -> None:
    for script in scripts:
        out, status = io.StringIO(), 0
        sys.argv = [script, "--json"]
        try:
            with contextlib.redirect_stdout(out):
                runpy.run_path(script, run_name="__main__")
        except SystemExit as e:
            status = e.code
        except BaseException:  # recorded for the test to show
            out = io.StringIO("error\n" + traceback.format_exc())
        Path(script).with_suffix(".out").write_text(out.getvalue(), encoding="utf-8")
        Path(script).with_suffix(".status").write_text(str(status), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1:])
