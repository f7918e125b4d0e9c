"""``backprop-lab export SCENARIO``: the scenario as a runnable PyTorch training script.

The script (``scenarios.export``) reproduces the lab's run: same network, initial weights, data,
batches, loss, optimizer, clipping, schedule and stopping rules, printing the lab's per-epoch
figures. Where the data and initial weights are more than a few numbers they go in a ``.npz``
beside the script; both files are written atomically, together or not at all.

An existing file is not replaced unless ``--force`` is given (the script or its .npz: one line
naming it, exit 2); the lab's palette export instead picks a name no file has yet
(``export_into``).

Exit status: 0 when written; 2 for a scenario that cannot be loaded or built, one that uses
something the export cannot reproduce (one line naming it), a file that exists (without
``--force``) or a path that cannot be written (one line naming it).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from scenarios.export import default_name
from tui.options import seed_option, set_option


def export_into(folder: Path, scenario, seed: int | None, edited: bool = False) -> str:
    """Write ``scenario``'s export into ``folder`` under the first name free for the script and
    its .npz (``xor_pytorch.py``, ``xor_pytorch_2.py``, …), so no file is replaced; what was
    written, in words. ExportError, ScenarioError or OSError ("cannot write FILE: why") say why
    not."""
    from scenarios.export import export_pytorch, write_export

    stem = default_name(scenario.name).removesuffix(".py")
    path, n = folder / f"{stem}.py", 1
    while path.exists() or path.with_suffix(".npz").exists():
        n += 1
        path = folder / f"{stem}_{n}.py"
    export = export_pytorch(scenario, seed=seed, script=path.name, edited=edited)
    try:
        write_export(export, path)
    except OSError as e:  # named by the file, not the temporary it failed on
        raise OSError(f"cannot write {_failed_file(e, path, export)}: {e.strerror or e}") from e
    return f"{path}" + (f" and {export.arrays_name} beside it" if export.arrays_name else "")


@click.command("export")
@click.argument("scenario", metavar="SCENARIO")
@seed_option
@set_option
@click.option(
    "-o",
    "--output",
    metavar="FILE",
    default=None,
    help="Write the script to FILE (default: NAME_pytorch.py here, NAME's dashes made "
    "underscores: learning_rate_too_high_pytorch.py; '-' for stdout when the script needs no "
    ".npz).",
)
@click.option(
    "--force",
    is_flag=True,
    help="Replace the script and its .npz if they exist (without it, an existing file is left "
    "as it is and nothing is written).",
)
@click.pass_context
def export_command(ctx: click.Context, scenario: str, seed, overrides, output, force: bool) -> None:
    """Write a scenario as a PyTorch training script that reproduces the lab's numbers.

    The script builds the network with torch.nn, starts from the lab's initial weights, trains
    on the lab's data in the lab's batches with the same loss, optimizer, clipping, schedule and
    stopping rules, and prints the loss after every epoch (--json: the summary of the lab's
    train --json, without its layers and steps_per_second). Data and weights of more than a
    few numbers are saved in a .npz beside the script. A file that exists is not replaced
    without --force.

    \b
    Examples:
      backprop-lab export xor                   writes xor_pytorch.py
      backprop-lab export xor --force           writes it again over the old one
      backprop-lab export spiral -o spiral.py   writes spiral.py and spiral.npz
      backprop-lab export xor -o - | less
      backprop-lab export my-net.toml --seed 3 --set training.lr=0.05 -o train.py
    """
    from scenarios import ScenarioError, load_scenario
    from scenarios.export import ExportError, export_pytorch, write_export

    try:
        loaded = load_scenario(scenario, tuple(overrides))
    except ScenarioError as e:
        fail(ctx, str(e))
    path = Path(output if output not in (None, "-") else default_name(loaded.name))
    if path.suffix == ".npz":
        fail(ctx, f"{output}: the script's name must not end in .npz (that is its data file)")
    if output != "-":  # before the export, which takes the script's name from the path
        try:
            check_destination(ctx, output, path, loaded.name)
        except OSError as e:  # a name the file system refuses: longer than it allows, …
            fail(ctx, f"cannot write {output or path}: {e.strerror or e}")
    try:
        export = export_pytorch(loaded, seed=seed, script=path.name)
    except ExportError as e:
        fail(ctx, f"{loaded.label}: cannot export to PyTorch: {e}")
    except (ScenarioError, ValueError) as e:
        fail(ctx, str(e))
    if output == "-":
        if export.arrays is not None:
            fail(ctx, "-o -: this script needs its .npz beside it; give a file name instead")
        sys.stdout.write(export.script)
        return
    files = [path] + ([path.with_name(export.arrays_name)] if export.arrays_name else [])
    try:
        existing = [str(p) for p in files if p.exists()]
    except OSError as e:
        fail(ctx, f"cannot write {_failed_file(e, path, export)}: {e.strerror or e}")
    if existing and not force:
        one = len(existing) == 1
        which = " and ".join(existing) + (" already exists" if one else " already exist")
        fail(ctx, f"{which}; nothing written (--force replaces {'it' if one else 'them'})")
    try:
        written = write_export(export, path)
    except OSError as e:
        fail(ctx, f"cannot write {_failed_file(e, path, export)}: {e.strerror or e}")
    names = " and ".join(str(p) for p in reversed(written))
    click.echo(f"wrote {names}; run it with: python {path}")


def check_destination(ctx: click.Context, output: str | None, path: Path, name: str) -> None:
    """Refuse (``fail``) a destination ``path`` that is no file to write the script of scenario
    ``name`` to: in a folder that does not exist, a folder itself, or a name that would shadow a
    module the script imports. OSError for a name the file system refuses."""
    shown = output or str(path)
    if shown.endswith(("/", os.sep)) and not path.is_dir():  # meant as a folder
        fail(ctx, f"cannot write {shown}: there is no folder {shown}")
    if not path.parent.is_dir():
        fail(ctx, f"cannot write {shown}: there is no folder {path.parent}")
    if path.is_dir():
        example = path / default_name(name)
        fail(ctx, f"cannot write {shown}: it is a folder; give a file name, e.g. {example}")
    shadowed = shadowed_module(path)
    if shadowed is not None:
        fail(
            ctx,
            f"{shown}: a script named {path.name} would be imported in place of {shadowed}, "
            "by itself and by any Python program started in its folder; choose another "
            f"name, e.g. {path.with_name(default_name(name))}",
        )


SCRIPT_IMPORTS = {"torch": "PyTorch", "numpy": "NumPy"}
"""The packages an exported script imports (PyTorch imports NumPy itself), by their names."""


def shadowed_module(path: Path) -> str | None:
    """What a script at ``path`` would hide from ``import`` — "PyTorch" for torch.py, "Python's
    json module" for json.py — or None. An exported script imports torch (and numpy, and a few
    modules of Python's own, as PyTorch does many more); named after one, it is found first."""
    if path.suffix != ".py":
        return None
    name = path.stem
    if name in SCRIPT_IMPORTS:
        return SCRIPT_IMPORTS[name]
    if name in sys.stdlib_module_names and name not in sys.builtin_module_names:
        return f"Python's {name} module"
    return None


def _failed_file(error: OSError, path: Path, export) -> Path:
    """The file a write failed on: the .npz when the error names it (or its temporary), else the
    script."""
    if export.arrays_name and isinstance(error.filename, str):
        data = path.with_name(export.arrays_name)
        if Path(error.filename).name.startswith((data.name, f".{data.name}.")):
            return data
    return path


def fail(ctx: click.Context, message: str):
    click.echo(f"backprop-lab: {message}", err=True)
    ctx.exit(2)
