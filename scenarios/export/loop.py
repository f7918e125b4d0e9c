"""The parts of the exported script that train: one epoch of steps, the evaluation after it, the
accuracy, and ``main`` with the stopping rules and the report (text or the lab's JSON form).

The figures follow the lab's definitions (``engine/metrics.py``, ``engine/run.py``): after each
epoch, ``train_loss`` is the data term C₀ over the whole training set in evaluation mode (no
dropout, batch norm's running statistics, no penalty) and ``mean_step_loss`` the mean of the
epoch's step losses (training mode, penalty included).
"""

from __future__ import annotations

from .literals import call, comment, docstring, number
from .optimizing import schedule_style
from .plan import Plan

EVALUATION_DIVERGED = (  # the line of backprop-lab train (divergence_line) for this case
    'f"training diverged at step {steps}: every value of the step was finite, "',
    'f"but the loss over the whole training set became non-finite ({train_loss})"',
)


def train_one_epoch(plan: Plan) -> list[str]:
    loss = "loss_fn(model(x_train[batch]), y_train[batch])"
    if plan.l1 or plan.l2:
        loss += " + penalty()"
    lines = [
        "def train_one_epoch(order):",
        *docstring(
            "One pass over the training examples in `order`, BATCH_SIZE at a time: the losses "
            "of the steps taken, and what became non-finite if training diverged, else None "
            "(the lab stops at the first step whose loss or updated parameters are not finite).",
            4,
        ),
        "    model.train()",
        "    losses = []",
        "    for start in range(0, len(order), BATCH_SIZE):",
        "        batch = order[start : start + BATCH_SIZE]",
        "        optimizer.zero_grad()",
        f"        loss = {loss}",
        "        loss.backward()",
    ]
    if plan.clip_value is not None:
        lines += [
            "        # [training] clip_value: every gradient entry clipped to ±clip_value",
            "        nn.utils.clip_grad_value_(model.parameters(), "
            f"clip_value={number(plan.clip_value)})",
        ]
    if plan.clip_norm is not None:
        lines += [
            "        # [training] clip_norm: every gradient times min(1, max_norm / (‖g‖ + 1e-6)),",
            "        # ‖g‖ the norm of all the gradients together",
            "        nn.utils.clip_grad_norm_(model.parameters(), "
            f"max_norm={number(plan.clip_norm)})",
        ]
    lines += [
        "        optimizer.step()",
        "        losses.append(loss.item())",
        "        diverged = non_finite(losses[-1])",
        "        if diverged:",
        "            return losses, diverged",
        "    return losses, None",
    ]
    return lines


def non_finite() -> list[str]:
    """``non_finite``: what of a step became non-finite, in the lab's order (loss, then the
    parameters its update changed, layer by layer), for the line the script ends with when
    training diverges."""
    return [
        "def non_finite(loss):",
        *docstring(
            "What of the step just taken became non-finite (NaN or infinity), in the lab's order: "
            "its loss, then the parameters of layer l = 1, 2, … in the update; None when all are "
            "finite. (The lab names the first quantity of the step that became non-finite, which "
            "may come before the loss: `backprop-lab train` says which.)",
            4,
        ),
        "    if not math.isfinite(loss):",
        '        return f"the loss of the step became non-finite ({loss})"',
        "    l = 0",
        "    for module in model:",
        "        if isinstance(module, nn.Linear):  # layer l's Linear, then its other modules",
        "            l += 1",
        "        if not all(p.isfinite().all() for p in module.parameters()):",
        '            return f"the parameters of layer {l} became non-finite in the update"',
        "    return None",
    ]


def evaluate(plan: Plan) -> list[str]:
    lines = [
        "@torch.no_grad()",
        "def evaluate(x, y):",
        *docstring(_evaluation(plan), 4),
        "    model.eval()",
        "    output = model(x)",
    ]
    if plan.classes is None:
        return lines + ["    return loss_fn(output, y).item(), None  # regression: no accuracy"]
    if plan.classes == "binary":
        a = "torch.sigmoid(output[:, 0])" if plan.loss == "bce" else "output[:, 0]"
        predicted, labels = f"({a} > 0.5).long()", "y[:, 0].long()"
        how = "class 1 where the " + ("sigmoid of the " if plan.loss == "bce" else "")
        how += "output is above 0.5"
    elif plan.classes == "index":
        assert plan.n_classes is not None  # "index" encodes classes
        k = plan.n_classes - 1
        predicted = f"output[:, 0].round().clamp(0, {k}).long()"
        labels = "y[:, 0].long()"
        how = "the class index nearest to the output"
    else:
        a = "torch.softmax(output, dim=1)" if plan.loss == "cross_entropy" else "output"
        predicted = f"{a}.argmax(dim=1)"
        labels = "y" if plan.targets == "indices" else "y.argmax(dim=1)"
        how = "the class of the largest " + ("softmax " if plan.loss == "cross_entropy" else "")
        how += "output"
    return lines + [
        f"    # the predicted class: {how}",
        f"    predicted = {predicted}",
        f"    right = (predicted == {labels}).sum().item()",
        "    return loss_fn(output, y).item(), right / len(y)",
    ]


def _evaluation(plan: Plan) -> str:
    """What ``evaluate`` measures, as the lab defines it (``engine/metrics.py``)."""
    mode = [
        what
        for what, present in (
            ("no dropout", plan.dropout),
            ("batch norm with its running statistics", any(x.batch_norm for x in plan.layers)),
        )
        if present
    ]
    how = f" ({', '.join(mode)})" if mode else ""
    penalty = " without the penalty" if plan.l1 or plan.l2 else ""
    right = "" if plan.classes is None else " and the fraction of examples classified right"
    return (
        f"The lab's figures for the examples (x, y) after an epoch: the loss{penalty} in "
        f"evaluation mode{how}{right}."
    )


def main(plan: Plan) -> list[str]:
    """``main``: the epochs, the stopping rules in the lab's order, the report."""
    style = schedule_style(plan)
    patience = plan.patience is not None
    lines = [
        "def main():",
        *call(
            4,
            "parser = argparse.ArgumentParser(",
            f'description="Train the lab\'s {plan.name} network with PyTorch."',
        ),
        '    parser.add_argument("--json", action="store_true", help="print one JSON object")',
        "    args = parser.parse_args()",
        "",
        '    epochs, steps, stop_reason, why = [], 0, "epochs", None',
    ]
    if patience and plan.restore_best:
        lines.append("    best_val_loss, best_epoch, best_state, waiting = math.inf, None, None, 0")
    elif patience:
        lines.append("    best_val_loss, best_epoch, waiting = math.inf, None, 0")
    lines.append("    for epoch in range(1, EPOCHS + 1):")
    if style == "function":
        lines += [
            "        for group in optimizer.param_groups:",
            '            group["lr"] = learning_rate(epoch)',
        ]
    if plan.shuffle:
        lines.append("        order = torch.from_numpy(lab_rng.permutation(len(x_train)))")
    else:
        lines.append("        order = torch.arange(len(x_train))  # [training] shuffle = false")
    lines += [
        "        losses, diverged = train_one_epoch(order)",
        "        steps += len(losses)",
        "        if diverged:",
        '            stop_reason = "diverged"',
        '            why = f"training diverged at step {steps}: {diverged}"',
        "            break",
        "        train_loss, accuracy = evaluate(x_train, y_train)",
    ]
    if plan.n_val:
        lines.append("        val_loss, val_accuracy = evaluate(x_val, y_val)")
    else:
        lines.append("        val_loss = val_accuracy = None  # no validation set")
    lines += [
        "        # The lab's figures of the epoch: train_loss is the loss over the whole",
        "        # training set after it; mean_step_loss the mean of its steps' losses.",
        "        epochs.append(",
        "            {",
        '                "epoch": epoch,',
        '                "step": steps,',
        '                "lr": optimizer.param_groups[0]["lr"],',
        '                "train_loss": train_loss,',
        '                "val_loss": val_loss,',
        '                "accuracy": accuracy,',
        '                "val_accuracy": val_accuracy,',
        '                "mean_step_loss": sum(losses) / len(losses),',
        "            }",
        "        )",
        "        if not args.json:",
        *_print(plan, "epoch {epoch:4}  ", val="val_loss", indent=12),
        *_stopping_comment(plan),
        "        if not math.isfinite(train_loss):",
        '            stop_reason = "diverged"',
        "            why = (",
        *(" " * 16 + part for part in EVALUATION_DIVERGED),
        "            )",
        "            break",
    ]
    if plan.loss_below is not None:
        lines += [
            "        if train_loss < LOSS_BELOW:",
            '            stop_reason = "loss_below"',
            "            break",
        ]
    if patience:
        best = "best_val_loss, best_epoch, waiting = val_loss, epoch, 0"
        lines += [
            "        if math.isfinite(val_loss) and val_loss < best_val_loss - MIN_DELTA:",
            f"            {best}",
        ]
        if plan.restore_best:
            lines.append("            best_state = copy.deepcopy(model.state_dict())")
        lines += [
            "        else:",
            "            waiting += 1",
            "            if waiting >= PATIENCE:",
            '                stop_reason = "patience"',
            "                break",
        ]
    if style == "scheduler":
        lines.append("        scheduler.step()")
    if patience and plan.restore_best:
        lines += [
            "",
            '    if stop_reason == "patience" and best_state is not None:',
            "        model.load_state_dict(best_state)  # [stop] restore_best",
        ]
    lines += [
        "",
        "    train_loss, accuracy = evaluate(x_train, y_train)",
    ]
    if plan.n_val:
        lines += [
            "    val_loss, val_accuracy = evaluate(x_val, y_val)",
            "    final = {",
            '        "train_loss": train_loss,',
            '        "val_loss": val_loss,',
            '        "accuracy": val_accuracy,  # on the validation set, as the lab reports it',
            "    }",
        ]
    else:
        lines += call(
            4, "final = {", '"train_loss": train_loss, "val_loss": None, "accuracy": accuracy', "}"
        )
    lines.append("    if args.json:")
    if plan.loss_below is None:
        lines += [
            *comment(
                "As `backprop-lab train --json`, which evaluates the whole training set after "
                "an epoch only for a loss_below rule, or where its loss is not finite (the run "
                "diverged there): train_loss and accuracy are null (not measured) elsewhere.",
                8,
            ),
            "        for entry in epochs:",
            '            if math.isfinite(entry["train_loss"]):',
            '                entry["train_loss"] = entry["accuracy"] = None',
        ]
    lines += [
        "        summary = {",
        f'            "scenario": "{plan.name}",',
        f'            "seed": {plan.seed},',
        '            "epochs_run": epoch,',
        '            "steps": steps,',
        '            "stop_reason": stop_reason,',
        '            "final": final,',
        '            "epochs": epochs,',
        "        }",
        "        print(json.dumps(json_safe(summary), allow_nan=False))",
        "    else:",
        "        epochs_run = f\"{epoch:,} epoch{'s' if epoch != 1 else ''}\"",
        "        steps_run = f\"{steps:,} step{'s' if steps != 1 else ''}\"",
        '        print(f"stopped after {epochs_run} ({steps_run}): {stop_reason}")',
        *_print(plan, "final: ", val="val_loss", indent=8),
    ]
    if plan.chaotic_from is not None and plan.chaos_measured_here:
        k = plan.chaotic_from
        lines += call(
            8,
            "print(",
            f"\"training is chaotic from epoch {k}: these figures match the lab's up to epoch "
            f'{k - 1} only"',
        )
    if patience:
        lines += [
            "        if best_epoch is not None:",
            '            print(f"best validation loss {best_val_loss:.6g} at epoch '
            '{best_epoch:,}")',
        ]
    return lines + [
        '    if stop_reason == "diverged":  # as `backprop-lab train`: one line, exit status 3',
        "        print(why, file=sys.stderr)",
        "        raise SystemExit(3)",
    ]


def _stopping_comment(plan: Plan) -> list[str]:
    rules = ["a training loss that overflowed"]
    if plan.loss_below is not None:
        rules.append("LOSS_BELOW")
    if plan.patience is not None:
        rules.append("PATIENCE")
    return [
        "        # The lab's stopping rules, in its order: " + ", ".join(rules) + ".",
    ]


def _print(plan: Plan, start: str, val: str, indent: int) -> list[str]:
    """A print() of the figures the run has: the training set's loss, validation loss, accuracy,
    named as the lab's train command names them ("train-set loss": the whole set's after the
    epoch, not a batch's), wrapped as ruff would."""
    parts = [start + "train-set loss {train_loss:.6g}"]
    if plan.n_val:
        parts.append("val loss {val_loss:.6g}")
    if plan.classes is not None:
        parts.append("val accuracy {val_accuracy:.1%}" if plan.n_val else "accuracy {accuracy:.1%}")
    pad = " " * indent
    one = f'{pad}print(f"{"  ".join(parts)}")'
    if len(one) <= 100:
        return [one]
    head, tail = "  ".join(parts[:-1]), parts[-1]
    return [f"{pad}print(", f'{pad}    f"{head}  "', f'{pad}    f"{tail}"', f"{pad})"]


def json_safe() -> list[str]:
    return [
        "def json_safe(tree):",
        '    """The summary with NaN and ±infinity as "nan", "inf" and "-inf", as the lab writes',
        '    them in JSON."""',
        "    if isinstance(tree, dict):",
        "        return {key: json_safe(value) for key, value in tree.items()}",
        "    if isinstance(tree, list):",
        "        return [json_safe(value) for value in tree]",
        "    if isinstance(tree, float) and not math.isfinite(tree):",
        "        return str(tree)",
        "    return tree",
    ]
