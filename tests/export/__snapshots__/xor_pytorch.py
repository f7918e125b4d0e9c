"""Backprop Lab's `xor` scenario as a PyTorch training script.

XOR: the function one layer cannot learn. Four points, two classes, and no straight line between
them. A hidden layer of four tanh units bends the input space until a sigmoid output can
separate the classes; without it the network is stuck at chance.

Exported by `backprop-lab export xor --seed 0`. It builds the lab's network with torch.nn,
starts from the lab's initial weights and trains on the lab's data, in the lab's batches, with
its loss, optimizer and settings. In float64 the figures it prints after each epoch agree with
the lab's to rounding error (which grows with the epochs only where training is chaotic, as it
would between two computers) (`backprop-lab train xor --seed 0 --json` lists them under
"epochs").

Run it with PyTorch installed:

    python xor_pytorch.py          the figures of every epoch, then how training ended
    python xor_pytorch.py --json   the same as one JSON object, in the form of the lab's
                                   `train --json` summary (without its layers and
                                   steps_per_second)

When training diverges it prints, as `backprop-lab train` does, a line on stderr naming the
step, and exits with status 3.
"""

import argparse
import json
import math
import sys

import torch
from torch import nn

torch.set_default_dtype(torch.float64)  # the lab computes in float64

EPOCHS = 2000  # [training] epochs
BATCH_SIZE = 4  # [training] batch_size = "full": the whole training set
LOSS_BELOW = 0.01  # [stop] stop once the training loss is lower

# The lab's data and initial weights, exactly as it drew them: 4 training examples (x_train,
# y_train) and, for each layer l, its initial weights Wˡ (n_out × n_in, as in nn.Linear) and
# biases bˡ.
arrays = {
    "x_train": [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]],
    "y_train": [[0.0], [1.0], [1.0], [0.0]],
    "W1": [
        [0.3543937139502038, -0.5140265029143576],
        [0.22352759264362376, -0.15380034035773038],
        [0.6469874929147459, 0.541154466003186],
        [0.11939321627874833, 0.35626167133334063],
    ],
    "b1": [0.0, 0.0, 0.0, 0.0],
    "W2": [[-0.1430580219712173, 0.9783259746403927, 0.7416186642409184, 0.2607805890877979]],
    "b2": [0.0],
}
x_train, y_train = torch.as_tensor(arrays["x_train"]), torch.as_tensor(arrays["y_train"])

# The network: the lab's layer l is a Linear map zˡ = aˡ⁻¹ Wˡᵀ + bˡ followed by its activation.
model = nn.Sequential(
    nn.Linear(2, 4),  # layer 1
    nn.Tanh(),
    nn.Linear(4, 1),  # layer 2, the output: its sigmoid is part of the loss below
)
linears = [m for m in model if isinstance(m, nn.Linear)]  # the lab's layers l = 1, 2, …
with torch.no_grad():  # the lab's initial weights (xavier_uniform) and biases
    for l, linear in enumerate(linears, start=1):
        linear.weight.copy_(torch.as_tensor(arrays[f"W{l}"]))
        linear.bias.copy_(torch.as_tensor(arrays[f"b{l}"]))

# The lab's bce on a sigmoid output: binary cross-entropy averaged over every output, computed
# from the logits z for stability, so the sigmoid belongs to the loss, not to the model.
loss_fn = nn.BCEWithLogitsLoss()

# The lab's sgd, p ← p − η g, is PyTorch's SGD without momentum.
optimizer = torch.optim.SGD(model.parameters(), lr=1.0)


def train_one_epoch(order):
    """One pass over the training examples in `order`, BATCH_SIZE at a time: the losses of the
    steps taken, and what became non-finite if training diverged, else None (the lab stops at
    the first step whose loss or updated parameters are not finite)."""
    model.train()
    losses = []
    for start in range(0, len(order), BATCH_SIZE):
        batch = order[start : start + BATCH_SIZE]
        optimizer.zero_grad()
        loss = loss_fn(model(x_train[batch]), y_train[batch])
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
        diverged = non_finite(losses[-1])
        if diverged:
            return losses, diverged
    return losses, None


def non_finite(loss):
    """What of the step just taken became non-finite (NaN or infinity), in the lab's order: its
    loss, then the parameters of layer l = 1, 2, … in the update; None when all are finite. (The
    lab names the first quantity of the step that became non-finite, which may come before the
    loss: `backprop-lab train` says which.)"""
    if not math.isfinite(loss):
        return f"the loss of the step became non-finite ({loss})"
    l = 0
    for module in model:
        if isinstance(module, nn.Linear):  # layer l's Linear, then its other modules
            l += 1
        if not all(p.isfinite().all() for p in module.parameters()):
            return f"the parameters of layer {l} became non-finite in the update"
    return None


@torch.no_grad()
def evaluate(x, y):
    """The lab's figures for the examples (x, y) after an epoch: the loss in evaluation mode and
    the fraction of examples classified right."""
    model.eval()
    output = model(x)
    # the predicted class: class 1 where the sigmoid of the output is above 0.5
    predicted = (torch.sigmoid(output[:, 0]) > 0.5).long()
    right = (predicted == y[:, 0].long()).sum().item()
    return loss_fn(output, y).item(), right / len(y)


def json_safe(tree):
    """The summary with NaN and ±infinity as "nan", "inf" and "-inf", as the lab writes
    them in JSON."""
    if isinstance(tree, dict):
        return {key: json_safe(value) for key, value in tree.items()}
    if isinstance(tree, list):
        return [json_safe(value) for value in tree]
    if isinstance(tree, float) and not math.isfinite(tree):
        return str(tree)
    return tree


def main():
    parser = argparse.ArgumentParser(description="Train the lab's xor network with PyTorch.")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()

    epochs, steps, stop_reason, why = [], 0, "epochs", None
    for epoch in range(1, EPOCHS + 1):
        order = torch.arange(len(x_train))  # [training] shuffle = false
        losses, diverged = train_one_epoch(order)
        steps += len(losses)
        if diverged:
            stop_reason = "diverged"
            why = f"training diverged at step {steps}: {diverged}"
            break
        train_loss, accuracy = evaluate(x_train, y_train)
        val_loss = val_accuracy = None  # no validation set
        # The lab's figures of the epoch: train_loss is the loss over the whole
        # training set after it; mean_step_loss the mean of its steps' losses.
        epochs.append(
            {
                "epoch": epoch,
                "step": steps,
                "lr": optimizer.param_groups[0]["lr"],
                "train_loss": train_loss,
                "val_loss": val_loss,
                "accuracy": accuracy,
                "val_accuracy": val_accuracy,
                "mean_step_loss": sum(losses) / len(losses),
            }
        )
        if not args.json:
            print(f"epoch {epoch:4}  train-set loss {train_loss:.6g}  accuracy {accuracy:.1%}")
        # The lab's stopping rules, in its order: a training loss that overflowed, LOSS_BELOW.
        if not math.isfinite(train_loss):
            stop_reason = "diverged"
            why = (
                f"training diverged at step {steps}: every value of the step was finite, "
                f"but the loss over the whole training set became non-finite ({train_loss})"
            )
            break
        if train_loss < LOSS_BELOW:
            stop_reason = "loss_below"
            break

    train_loss, accuracy = evaluate(x_train, y_train)
    final = {"train_loss": train_loss, "val_loss": None, "accuracy": accuracy}
    if args.json:
        summary = {
            "scenario": "xor",
            "seed": 0,
            "epochs_run": epoch,
            "steps": steps,
            "stop_reason": stop_reason,
            "final": final,
            "epochs": epochs,
        }
        print(json.dumps(json_safe(summary), allow_nan=False))
    else:
        epochs_run = f"{epoch:,} epoch{'s' if epoch != 1 else ''}"
        steps_run = f"{steps:,} step{'s' if steps != 1 else ''}"
        print(f"stopped after {epochs_run} ({steps_run}): {stop_reason}")
        print(f"final: train-set loss {train_loss:.6g}  accuracy {accuracy:.1%}")
    if stop_reason == "diverged":  # as `backprop-lab train`: one line, exit status 3
        print(why, file=sys.stderr)
        raise SystemExit(3)


if __name__ == "__main__":
    main()
