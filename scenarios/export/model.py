"""The parts of the exported script that set up training: header, data, network, loss (the
optimizer and the learning-rate schedule are ``optimizing.py``'s). Each function returns the
lines of one block of the script, with comments that name the lab's setting wherever PyTorch's
default or convention differs.
"""

from __future__ import annotations

import textwrap

from .literals import WIDTH, WRAP, call, comment, docstring, laid_out, number, wrap_text
from .plan import Plan

ACTIVATION_MODULES = {  # the lab's activation → the module after its Linear (None: no module)
    "linear": None,
    "sigmoid": "nn.Sigmoid()",
    "tanh": "nn.Tanh()",
    "relu": "nn.ReLU()",
    "leaky_relu": "nn.LeakyReLU(negative_slope={alpha})",
    "prelu": "nn.PReLU(num_parameters={n}, init={alpha})",  # one learnable slope per unit
    "elu": "nn.ELU(alpha={alpha})",
    "softmax": None,  # only on the output, with cross_entropy: inside nn.CrossEntropyLoss
}


def header(plan: Plan, origin, script: str, arrays_file: str | None) -> list[str]:
    """The module docstring: what the scenario is, where the script comes from, how to run it.
    ``origin``: (how it was written, where the lab prints the same figures, or None)."""
    written, where = origin
    title = plan.title.strip()
    beside = f" (with {arrays_file} beside it)" if arrays_file else ""
    figures = (
        _float64_agreement(plan)
        if plan.dtype == "float64"
        else "In float32 its figures follow the lab's up to float32 rounding (set float64 "
        "in both for the lab's numbers to rounding error)"
    )
    text = [
        f"Backprop Lab's `{plan.name}` scenario as a PyTorch training script.",
        "",
        *wrap_text(title + ("" if title.endswith((".", "!", "?")) else ".") + " " + plan.summary),
        "",
        *wrap_text(
            f"Exported {written}{beside}. It builds the lab's network with torch.nn, starts "
            "from the lab's initial weights and trains on the lab's data, in the lab's batches, "
            f"with its loss, optimizer and settings. {figures}" + (f" ({where})." if where else ".")
        ),
        "",
        "Run it with PyTorch installed:",
        "",
        *_usage(script),
        "",
        *wrap_text(
            "When training diverges it prints, as `backprop-lab train` does, a line on stderr "
            "naming the step, and exits with status 3."
        ),
    ]
    return ['"""' + text[0], *text[1:], '"""']


def _float64_agreement(plan: Plan) -> str:
    """How far the script's float64 figures agree with the lab's: to rounding error, and up to
    which epoch where the scenario says its training is chaotic (``chaotic_from_epoch``)."""
    k = plan.chaotic_from
    if k is None:
        return (
            "In float64 the figures it prints after each epoch agree with the lab's to rounding "
            "error (which grows with the epochs only where training is chaotic, as it would "
            "between two computers)"
        )
    chaos = (
        f"training is chaotic from epoch {k} (a change of one ulp in the initial weights moves "
        "the lab's own figures by more than 1e-11 from there)"
    )
    if plan.chaos_measured_here:
        return (
            f"In float64 the figures it prints agree with the lab's to rounding error up to epoch "
            f"{k - 1} only: {chaos}, so from epoch {k} on the two drift apart, as they would "
            "between two computers, and the last epochs' and final figures differ clearly"
        )
    return (
        "In float64 the figures it prints after each epoch agree with the lab's to rounding "
        f"error at first; for the `{plan.name}` scenario as written (its own seed, no --set or "
        f"edits) {chaos} and the two drift apart after it; this export's changes may move that "
        "epoch"
    )


def _usage(script: str) -> list[str]:
    """How to run the script: each command beside what it prints, or above it when too long."""
    rows = [
        (f"python {script}", ["the figures of every epoch, then how training ended"]),
        (
            f"python {script} --json",
            [
                "the same as one JSON object, in the form of the lab's",
                "`train --json` summary (without its layers and",
                "steps_per_second)",
            ],
        ),
    ]
    width = len(rows[1][0]) + 3
    if 4 + width + max(len(t) for _, text in rows for t in text) <= WIDTH:
        return [
            f"    {command:<{width}}{line}" if i == 0 else " " * (4 + width) + line
            for command, text in rows
            for i, line in enumerate(text)
        ]
    return [
        line
        for command, text in rows
        for line in (
            f"    {command}",
            *textwrap.wrap(" ".join(text), WRAP, initial_indent=" " * 8, subsequent_indent=" " * 8),
        )
    ]


def imports(plan: Plan, arrays_file: str | None) -> list[str]:
    modules = ["argparse"]
    if plan.patience is not None and plan.restore_best:
        modules.append("copy")
    modules += ["json", "math", "sys"]
    lines = [f"import {m}" for m in modules]
    if arrays_file:
        lines.append("from pathlib import Path")
    lines.append("")
    if arrays_file or plan.lab_generator:
        lines.append("import numpy as np")
    lines += ["import torch", "from torch import nn"]
    return lines


def settings(plan: Plan) -> list[str]:
    """The dtype and the constants of [training] and [stop] the training loop reads."""
    if plan.dtype == "float64":
        lines = ["torch.set_default_dtype(torch.float64)  # the lab computes in float64"]
    else:
        lines = ['torch.set_default_dtype(torch.float32)  # network.dtype = "float32"']
    lines.append("")
    if plan.lab_generator:
        lines.append(f"SEED = {plan.seed}  # the scenario's seed")
    lines.append(f"EPOCHS = {plan.epochs}  # [training] epochs")
    full = ' = "full": the whole training set' if plan.full_batch else ""
    lines.append(f"BATCH_SIZE = {plan.batch_size}  # [training] batch_size{full}")
    if plan.l2:
        lines.append(f"L2 = {number(plan.l2)}  # [training] l2: λ₂")
    if plan.l1:
        lines.append(f"L1 = {number(plan.l1)}  # [training] l1: λ₁")
    if plan.loss_below is not None:
        below = number(plan.loss_below)
        lines.append(f"LOSS_BELOW = {below}  # [stop] stop once the training loss is lower")
    if plan.patience is not None:
        lines += [
            f"PATIENCE = {plan.patience}  # [stop] epochs without a better validation loss",
            f"MIN_DELTA = {number(plan.min_delta)}  # [stop] how much lower counts as better",
        ]
    return lines


def data(plan: Plan, arrays_file: str | None, export_id: str) -> list[str]:
    """The lab's examples and initial weights: from the .npz beside the script, or written out."""
    val = f", {plan.n_val} for validation (x_val, y_val)" if plan.n_val else ""
    what = (
        f"{plan.n_train} training examples (x_train, y_train){val} and, for each layer l, its "
        "initial weights Wˡ (n_out × n_in, as in nn.Linear) and biases bˡ"
    )
    if arrays_file:
        lines = comment(
            "The lab's data and initial weights, exactly as its data generators and initializers "
            f"drew them with NumPy, saved in {arrays_file}: {what}."
        )
        lines += [
            f'arrays_path = Path(__file__).with_name("{arrays_file}")',
            "if not arrays_path.is_file():",
            *call(
                4,
                "raise SystemExit(",
                'f"{arrays_path.name} is missing: it must be beside this script (or export again)"',
            ),
            "arrays = np.load(arrays_path)",
            f'if str(arrays["export_id"]) != "{export_id}":',
            *call(
                4, "raise SystemExit(", f'"{arrays_file} belongs to another export; export again"'
            ),
        ]
    else:
        lines = comment(f"The lab's data and initial weights, exactly as it drew them: {what}.")
        lines.append("arrays = {")
        for key in _array_names(plan):
            lines += laid_out(plan.arrays[key].tolist(), plan.dtype, 4, f'"{key}": ', ",")
        lines.append("}")
    for part in ("train", "val")[: 2 if plan.n_val else 1]:
        lines.append(
            f'x_{part}, y_{part} = torch.as_tensor(arrays["x_{part}"]), '
            f'torch.as_tensor(arrays["y_{part}"])'
        )
    return lines


def _array_names(plan: Plan) -> list[str]:
    names = ["x_train", "y_train"] + (["x_val", "y_val"] if plan.n_val else [])
    return names + [f"{p}{layer.l}" for layer in plan.layers for p in ("W", "b")]


def lab_generator(plan: Plan) -> list[str]:
    """The lab's training generator, for the batch order and the dropout masks."""
    draws = " and draws the dropout masks" if plan.dropout else ""
    lines = comment(
        f"The lab shuffles the training examples every epoch{draws} with one NumPy generator: the "
        "third child of the seed's SeedSequence (the first two drew the data and the initial "
        "weights). Drawing from it in the same order gives the same batches"
        + (" and masks" if plan.dropout else "")
        + ". (To let PyTorch choose them instead: "
        + ("torch.randperm and nn.Dropout.)" if plan.dropout else "torch.randperm.)")
    )
    if not plan.shuffle:
        lines = comment(
            "The lab draws the dropout masks from one NumPy generator, the third child of the "
            "seed's SeedSequence (the first two drew the data and the initial weights); drawing "
            "from it in the same order gives the same masks. (PyTorch's own: nn.Dropout.)"
        )
    lines.append("lab_rng = np.random.default_rng(np.random.SeedSequence(SEED).spawn(3)[2])")
    if plan.dropout:
        lines += [
            "",
            "",
            "class LabDropout(nn.Module):",
            *docstring(
                "Inverted dropout as nn.Dropout(p), with the lab's masks: in training a unit is "
                "kept where u ≥ p for u ~ U[0, 1) drawn from lab_rng, and kept values are scaled "
                "by 1 / (1 − p); in evaluation nothing is dropped.",
                4,
            ),
            "",
            "    def __init__(self, p):",
            "        super().__init__()",
            "        self.p = p",
            "",
            "    def forward(self, a):",
            "        if not self.training:",
            "            return a",
            "        keep = torch.from_numpy(lab_rng.random(tuple(a.shape)) >= self.p)",
            "        return a * (keep.to(a.dtype) * (1.0 / (1.0 - self.p)))",
        ]
    return lines


def network(plan: Plan) -> list[str]:
    """One nn.Sequential, then the lab's initial weights copied into its Linear layers."""
    parts = [
        name
        for name, present in (
            ("batch norm", any(layer.batch_norm for layer in plan.layers)),
            ("activation", True),
            ("dropout", plan.dropout),
        )
        if present
    ]
    then = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    lines = comment(
        f"The network: the lab's layer l is a Linear map zˡ = aˡ⁻¹ Wˡᵀ + bˡ followed by its {then}"
        + (", in that order." if len(parts) > 1 else ".")
    )
    if any(layer.batch_norm for layer in plan.layers):
        lines += comment(
            "Batch norm as in the lab: training normalizes with the batch's mean and biased "
            "variance and moves the running averages towards them by `momentum` (the variance "
            "unbiased); evaluation normalizes with the running averages."
        )
    lines.append("model = nn.Sequential(")
    L = len(plan.layers)
    for layer in plan.layers:
        where = f"layer {layer.l}" + (", the output" if layer.l == L else "")
        act = layer.activation
        if layer.l == L and plan.output_in_loss:
            where += f": its {act} is part of the loss below"
        elif act == "linear":
            where += ", linear (no activation)"
        lines.append(f"    nn.Linear({layer.n_in}, {layer.n_out}),  # {where}")
        if layer.batch_norm:
            lines.append(
                f"    nn.BatchNorm1d({layer.n_out}, eps={number(layer.bn_eps)}, "
                f"momentum={number(layer.bn_momentum)}),"
            )
        module = ACTIVATION_MODULES[act]
        if module and not (layer.l == L and plan.output_in_loss):
            text = module.format(n=layer.n_out, alpha=number(layer.alpha or 0.0))
            note = "  # one learnable slope per unit, as in the lab" if act == "prelu" else ""
            lines.append(f"    {text},{note}")
        if layer.dropout:
            lines.append(f"    LabDropout({number(layer.dropout)}),")
    lines.append(")")
    inits = sorted({layer.init for layer in plan.layers})
    lines += [
        "linears = [m for m in model if isinstance(m, nn.Linear)]  # the lab's layers l = 1, 2, …",
        f"with torch.no_grad():  # the lab's initial weights ({', '.join(inits)}) and biases",
        "    for l, linear in enumerate(linears, start=1):",
        '        linear.weight.copy_(torch.as_tensor(arrays[f"W{l}"]))',
        '        linear.bias.copy_(torch.as_tensor(arrays[f"b{l}"]))',
    ]
    return lines


def loss(plan: Plan) -> list[str]:
    """The lab's loss C₀ (and the L1/L2 penalty it adds in training)."""
    if plan.loss == "mse":
        lines = ["loss_fn = nn.MSELoss()  # the lab's mse: (a − y)² averaged over every output"]
    elif plan.loss == "quadratic":
        lines = [
            "def loss_fn(a, y):",
            *docstring(
                "The lab's quadratic cost, ½‖a − y‖² averaged over the examples (PyTorch has no "
                "such loss: MSELoss averages over every output and has no ½).",
                4,
            ),
            "    return 0.5 * ((a - y) ** 2).sum() / len(y)",
        ]
    elif plan.loss == "bce":
        lines = comment(
            "The lab's bce on a sigmoid output: binary cross-entropy averaged over every output, "
            "computed from the logits z for stability, so the sigmoid belongs to the loss, not to "
            "the model."
        )
        lines.append("loss_fn = nn.BCEWithLogitsLoss()")
    else:
        target = (
            "the targets are class indices (the lab's one-hot rows say the same)"
            if plan.targets == "indices"
            else "the targets are the lab's rows of class probabilities"
        )
        lines = comment(
            "The lab's cross_entropy on a softmax output: −log softmax(z) of the right class, "
            "averaged over the examples and computed from the logits z, so the softmax belongs "
            f"to the loss, not to the model; {target}."
        )
        lines.append("loss_fn = nn.CrossEntropyLoss()")
    if plan.l1 or plan.l2:
        terms = []
        if plan.l2:
            terms.append("0.5 * L2 * (linear.weight**2).sum()")
        if plan.l1:
            terms.append("L1 * linear.weight.abs().sum()")
        formula = " + ".join(
            t for t, on in (("(λ₂/2) Σ‖Wˡ‖²", plan.l2), ("λ₁ Σ|Wˡ|", plan.l1)) if on
        )
        grad = " + ".join(t for t, on in (("λ₂Wˡ", plan.l2), ("λ₁ sign(Wˡ)", plan.l1)) if on)
        doc = docstring(
            f"The lab's regularization {formula} over the weight matrices (not the biases), "
            f"added to the loss of every training step, so that {grad} joins ∂C/∂Wˡ. The "
            "training loss the lab reports after each epoch leaves it out."
            + (
                " (PyTorch's weight_decay would add λ₂Wˡ to the gradient without the term in "
                "the loss.)"
                if plan.l2
                else ""
            ),
            4,
        )
        lines += [
            "",
            "",
            "def penalty():",
            *doc,
            *call(4, "return sum(", f"{' + '.join(terms)} for linear in linears"),
        ]
    return lines
