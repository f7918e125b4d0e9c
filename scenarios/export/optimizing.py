"""The parts of the exported script that set up the update: the optimizer and the learning-rate
schedule. Each function returns the lines of one block of the script, with comments that name
the lab's setting wherever PyTorch's default or convention differs.
"""

from __future__ import annotations

from .literals import call, comment, docstring, number
from .plan import Plan


def optimizer(plan: Plan) -> list[str]:
    """The torch.optim optimizer with the lab's hyper-parameters (param groups for weight decay)."""
    h = plan.hyper
    if plan.optimizer == "sgd":
        cls, settings = "SGD", []
        why = "The lab's sgd, p ← p − η g, is PyTorch's SGD without momentum."
    elif plan.optimizer == "momentum":
        cls = "SGD"
        settings = [f"momentum={number(h['momentum'])}"]
        settings += ["nesterov=True"] if h["nesterov"] else []
        why = (
            "The lab's momentum optimizer, v ← μv + g and p ← p − η"
            + ("(g + μv) (Nesterov's)" if h["nesterov"] else "v")
            + ", is PyTorch's SGD with momentum μ and dampening 0 (its default); PyTorch's default "
            "momentum is 0, the lab's 0.9."
        )
    elif plan.optimizer == "rmsprop":
        cls, settings = "RMSprop", [f"alpha={number(h['rho'])}", f"eps={number(h['eps'])}"]
        why = (
            "The lab's rmsprop, s ← ρs + (1 − ρ)g² and p ← p − η g / (√s + ε), is PyTorch's "
            "RMSprop with alpha = ρ: both add ε outside the square root, and PyTorch's defaults "
            "centered=False and momentum=0 are the lab's rule."
        )
    elif plan.optimizer == "adam":
        betas = f"({number(h['beta1'])}, {number(h['beta2'])})"
        cls, settings = "Adam", [f"betas={betas}", f"eps={number(h['eps'])}"]
        why = (
            "The lab's adam is PyTorch's Adam: m̂ and v̂ bias-corrected, p ← p − η m̂ / (√v̂ + ε) "
            "with ε outside the square root."
        )
    else:
        cls, settings = "Adagrad", [f"eps={number(h['eps'])}"]
        why = (
            "The lab's adagrad, s ← s + g² and p ← p − η g / (√s + ε), is PyTorch's Adagrad with "
            "its defaults lr_decay=0 and initial_accumulator_value=0."
        )
    lines = []
    params = "model.parameters()"
    if plan.weight_decay:
        lines += comment(
            f"[training] weight_decay = {number(plan.weight_decay)} adds λWˡ to the gradient of "
            "the weight matrices only, not to the biases (nor to batch norm's γ, β or PReLU's "
            "slopes), and nothing to the loss: two parameter groups."
        )
        lines += [
            "weights = [linear.weight for linear in linears]",
            "others = [p for p in model.parameters() if all(p is not w for w in weights)]",
            "param_groups = ["
            f'{{"params": weights, "weight_decay": {number(plan.weight_decay)}}}, '
            '{"params": others}]',
            "",
        ]
        params = "param_groups"
    arguments = [params, f"lr={number(plan.lr)}", *settings]
    return lines + comment(why) + call(0, f"optimizer = torch.optim.{cls}(", arguments)


def schedule_style(plan: Plan) -> str | None:
    """How the script follows the lab's schedule: None (a constant rate), "scheduler" (a torch
    scheduler stepped after each epoch) or "function" (``learning_rate(epoch)`` set before it)."""
    kind, warmup = _kind(plan), plan.schedule.get("warmup") or 0
    if warmup:
        return "function"
    return None if kind == "constant" else "scheduler"


def _kind(plan: Plan) -> str:
    kind = plan.schedule["kind"]
    return "constant" if kind == "cosine" and plan.epochs == 1 else kind  # cosine over 1 epoch: lr


def schedule(plan: Plan) -> list[str]:
    """A torch scheduler where one computes the lab's rate, else the lab's formula as a function."""
    s, lr = plan.schedule, number(plan.lr)
    kind, warmup = _kind(plan), s.get("warmup") or 0
    style = schedule_style(plan)
    if style is None:
        return []
    if style == "function":
        return _rate_function(plan, kind, warmup)
    if kind == "step":
        lines = comment(
            f"[schedule] step: lr × {number(s['factor'])} every {s['every']} epochs, "
            "lr · factor^⌊(epoch − 1) / every⌋."
        )
        lines += call(
            0,
            "scheduler = torch.optim.lr_scheduler.StepLR(",
            f"optimizer, step_size={s['every']}, gamma={number(s['factor'])}",
        )
    elif kind == "exponential":
        lines = comment(f"[schedule] exponential: lr · {number(s['gamma'])}^(epoch − 1).")
        lines += call(
            0,
            "scheduler = torch.optim.lr_scheduler.ExponentialLR(",
            f"optimizer, gamma={number(s['gamma'])}",
        )
    else:
        lr_min = number(s.get("lr_min") or 0.0)
        lines = comment(
            f"[schedule] cosine: from lr = {lr} in the first epoch to lr_min = {lr_min} in the "
            f"last, so T_max is EPOCHS − 1 (with T_max = EPOCHS, as often written, the rate "
            "would stop one epoch short of lr_min)."
        )
        lines += call(
            0,
            "scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(",
            f"optimizer, T_max=EPOCHS - 1, eta_min={lr_min}",
        )
    return lines


def _rate_function(plan: Plan, kind: str, warmup: int) -> list[str]:
    """The lab's rate as a plain function (warm-up multiplies the rate; no torch scheduler
    composes that way), set at the start of every epoch."""
    s, lr = plan.schedule, number(plan.lr)
    if kind == "step":
        formula, code = (
            f"lr × {number(s['factor'])} every {s['every']} epochs",
            (f"rate = {lr} * {number(s['factor'])} ** ((epoch - 1) // {s['every']})"),
        )
    elif kind == "exponential":
        gamma = number(s["gamma"])
        formula, code = f"lr × {gamma} every epoch", f"rate = {lr} * {gamma} ** (epoch - 1)"
    elif kind == "cosine":
        lr_min = number(s.get("lr_min") or 0.0)
        formula = f"from lr = {lr} in the first epoch to lr_min = {lr_min} in the last"
        code = (
            f"rate = {lr_min} + ({lr} - {lr_min}) * "
            "(1.0 + math.cos(math.pi * ((epoch - 1) / (EPOCHS - 1)))) / 2"
        )
    else:
        formula, code = f"lr = {lr}", f"rate = {lr}"
    return [
        "def learning_rate(epoch):",
        *docstring(
            f"The lab's rate in epoch `epoch` (from 1): [schedule] {kind}, {formula}, with "
            f"warmup = {warmup}: multiplied by epoch / {warmup} in the first {warmup} epochs.",
            4,
        ),
        f"    {code}",
        f"    return rate * (epoch / {warmup}) if epoch <= {warmup} else rate",
    ]
