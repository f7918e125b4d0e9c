"""A scenario as a runnable PyTorch training script that reproduces the lab's numbers.

    export = export_pytorch(scenario, seed=0, script="xor.py")
    write_export(export, "xor.py")        # xor.py, and xor.npz beside it where needed

The script builds the lab's network as one ``nn.Sequential``, copies in the lab's initial
weights, trains on the lab's data in the lab's batches with the same loss, ``torch.optim``
optimizer, clipping, schedule and stopping rules, and prints the lab's per-epoch figures (text,
or ``--json`` in the form of ``backprop-lab train --json``). The data and initial weights are the
numbers the lab drew with NumPy: written into the script when they are few (``INLINE_LIMIT``),
else saved in a ``.npz`` beside it. The batch order and dropout masks are drawn in the script
from the lab's own training generator (NumPy, seeded as ``engine/build.py`` seeds it).

``plan.py`` gathers what the script must reproduce (and refuses what it cannot: ``ExportError``),
``model.py``, ``optimizing.py`` and ``loop.py`` write the script's blocks.
"""

from __future__ import annotations

import hashlib
import io
import shlex
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from . import loop, model, optimizing
from .plan import ExportError, Plan, make_plan

__all__ = ["INLINE_LIMIT", "Export", "ExportError", "export_pytorch", "write_export"]

INLINE_LIMIT = 64  # numbers (data and initial parameters) written into the script itself


@dataclass(frozen=True)
class Export:
    """An exported script, and the arrays for the ``.npz`` beside it (None: none needed)."""

    script: str
    arrays: dict[str, np.ndarray] | None
    arrays_name: str | None  # the .npz file's name, next to the script

    def arrays_bytes(self) -> bytes:
        buffer = io.BytesIO()
        assert self.arrays is not None  # asked only for an export with arrays
        # NumPy's stubs read a ``**`` mapping as also filling savez's allow_pickle: bool
        np.savez(buffer, **self.arrays)  # type: ignore[arg-type]
        return buffer.getvalue()


def default_name(scenario_name: str) -> str:
    """The script's file name when none is given: ``xor`` → ``xor_pytorch.py`` (a name Python
    can also import)."""
    return scenario_name.replace("-", "_") + "_pytorch.py"


def export_pytorch(
    scenario, *, seed: int | None = None, script: str | None = None, edited: bool = False
) -> Export:
    """The PyTorch script of ``scenario`` (a validated ``Scenario``) with ``seed`` (None: the
    scenario's), to be saved as ``script`` (default ``default_name``; its name appears in the
    script, and names the ``.npz``). ``edited``: the scenario was changed in the lab, so no
    command line writes it again. ``ExportError`` names a setting the export cannot reproduce;
    ``ScenarioError`` a scenario that does not build."""
    from scenarios.loader import build_run

    run = build_run(scenario, seed=seed)
    plan = make_plan(scenario, run)
    if edited:  # chaotic_from_epoch was measured on the scenario as written, not as edited
        plan = replace(plan, chaos_measured_here=False)
    name = Path(script).name if script is not None else default_name(scenario.name)
    arrays = {k: np.ascontiguousarray(v) for k, v in plan.arrays.items() if _used(plan, k)}
    inline = sum(a.size for a in arrays.values()) <= INLINE_LIMIT
    arrays_name = None if inline else str(Path(name).with_suffix(".npz"))
    export_id = _fingerprint(arrays)
    origin = _origin(scenario, run.seed, edited, name)
    text = render(plan, origin, name, arrays_name, export_id)
    if inline:
        return Export(text, None, None)
    return Export(text, {**arrays, "export_id": np.array(export_id)}, arrays_name)


def write_export(export: Export, path: str | Path) -> list[Path]:
    """Write the script at ``path`` and its ``.npz`` beside it, both or neither (atomic); the
    paths written. OSError from the file system propagates."""
    from engine.atomic import atomic_write_files

    path = Path(path)
    files = []
    if export.arrays is not None:
        assert export.arrays_name is not None  # named with its arrays
        data = export.arrays_bytes()
        files.append((path.with_name(export.arrays_name), lambda f: f.write(data), True))
    files.append((path, lambda f: f.write(export.script), False))
    return atomic_write_files(files)


def render(plan: Plan, origin, script: str, arrays_file: str | None, export_id: str) -> str:
    """The script's text, block by block."""
    blocks = [
        model.header(plan, origin, script, arrays_file),
        model.imports(plan, arrays_file),
        model.settings(plan),
        model.data(plan, arrays_file, export_id),
    ]
    if plan.lab_generator:
        blocks.append(model.lab_generator(plan))
    blocks += [model.network(plan), model.loss(plan), optimizing.optimizer(plan)]
    if optimizing.schedule_style(plan):
        blocks.append(optimizing.schedule(plan))
    blocks += [loop.train_one_epoch(plan), loop.non_finite(), loop.evaluate(plan)]
    blocks += [loop.json_safe(), loop.main(plan)]
    blocks.append(['if __name__ == "__main__":', "    main()"])
    return "\n".join(_join(blocks)) + "\n"


def _join(blocks: list[list[str]]):
    """Blocks separated by one blank line, or by two before and after a def or class (as ruff
    formats them)."""
    previous = None
    for block in blocks:
        if previous is not None:
            yield ""
            if _top_level(previous)[-1] or _top_level(block)[0]:
                yield ""
        yield from block
        previous = block


def _top_level(block: list[str]) -> list[bool]:
    """For each top-level statement of ``block``: whether it is a def or class (decorated)."""
    starts = [line for line in block if line and not line.startswith((" ", "#", ")", "]", "}"))]
    return [line.startswith(("def ", "class ", "@")) for line in starts]


def _used(plan: Plan, key: str) -> bool:
    return plan.n_val > 0 or key not in ("x_val", "y_val")


def _fingerprint(arrays: dict[str, np.ndarray]) -> str:
    """16 hex digits of SHA-256 over the arrays' names, dtypes, shapes and bytes."""
    digest = hashlib.sha256()
    for key in sorted(arrays):
        a = arrays[key]
        digest.update(f"{key}:{a.dtype.str}:{a.shape};".encode())
        digest.update(a.tobytes())
    return digest.hexdigest()[:16]


def _is_preset(scenario) -> bool:
    from scenarios.loader import preset_names, preset_path

    return scenario.name in preset_names() and preset_path(scenario.name) == scenario.path


def _origin(scenario, seed: int, edited: bool, script: str) -> tuple[str, str | None]:
    """(how the script was written — the command writing this file again, under this name —,
    where the lab prints the same figures, or None)."""
    if edited:
        return f"from the `{scenario.name}` scenario as edited in the lab (seed {seed})", None
    source = shlex.quote(scenario.name if _is_preset(scenario) else str(scenario.path))
    options = f" --seed {seed}" + "".join(f" --set {shlex.quote(o)}" for o in scenario.overrides)
    named = "" if script == default_name(scenario.name) else f" -o {shlex.quote(script)}"
    if scenario.overrides:
        where = "`backprop-lab train` with the same arguments and `--json` lists them"
    else:
        where = f"`backprop-lab train {source}{options} --json` lists them"
    return f"by `backprop-lab export {source}{options}{named}`", where + ' under "epochs"'
