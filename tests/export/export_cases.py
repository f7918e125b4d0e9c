"""The scenarios the export tests export: every preset, and variants of presets (by --set) for
the settings no preset uses, plus a scenario with soft cross-entropy targets."""

from export_helpers import Case

from scenarios import preset_names

PRESETS = [Case(name.replace("-", "_"), name) for name in preset_names()]

SOFT_TARGETS = """\
name = "soft-targets"
title = "Soft targets"
summary = "Cross-entropy against rows of class probabilities."

[data]
kind = "inline"
x = [[0.0, 1.0], [1.0, 0.0], [0.5, 0.5], [0.2, 0.9]]
y = [[0.25, 0.75], [1.0, 0.0], [0.5, 0.5], [0.0, 1.0]]

[network]
loss = "cross_entropy"

[[network.layers]]
size = 3
activation = "tanh"

[[network.layers]]
size = 2
activation = "softmax"

[training]
optimizer = "adam"
lr = 0.05
epochs = 30
"""

VARIANTS = [
    # full batches: two epochs, then a loss over the training set that is no longer finite
    Case("exploding_full_batch", "exploding-gradients", ("training.batch_size=full",)),
    Case("momentum", "xor", ("training.optimizer=momentum", "training.momentum=0.8")),
    Case(
        "nesterov_weight_decay",
        "xor",
        (
            "training.optimizer=momentum",
            "training.nesterov=true",
            "training.weight_decay=0.01",
            "training.epochs=300",
        ),
    ),
    Case(
        "rmsprop_step_schedule",
        "spiral",
        (
            "training.optimizer=rmsprop",
            "training.rho=0.9",
            "training.eps=1e-7",
            "training.lr=0.002",
            "training.epochs=12",
            "schedule.kind=step",
            "schedule.every=4",
            "schedule.factor=0.5",
        ),
    ),
    Case(
        "adagrad_exponential_schedule",
        "spiral",
        (
            "training.optimizer=adagrad",
            "training.epochs=10",
            "schedule.kind=exponential",
            "schedule.gamma=0.9",
        ),
    ),
    Case(
        "adam_l1_l2_weight_decay_cosine",
        "overfitting",
        (
            "training.l1=0.001",
            "training.l2=0.01",
            "training.weight_decay=0.001",
            "training.beta1=0.8",
            "training.beta2=0.99",
            "training.eps=1e-7",
            "training.epochs=60",
            "schedule.kind=cosine",
            "schedule.lr_min=0.001",
        ),
    ),
    Case(
        "cosine_warmup",
        "linear-regression",
        ("schedule.kind=cosine", "schedule.lr_min=0.01", "schedule.warmup=10"),
    ),
    Case(
        "step_warmup_minibatches_quadratic",
        "gradient-descent-modes",
        (
            "network.loss=quadratic",
            "training.batch_size=10",
            "schedule.kind=step",
            "schedule.every=5",
            "schedule.factor=0.5",
            "schedule.warmup=3",
        ),
    ),
    Case(
        "exponential_warmup",
        "slow-convergence",
        ("schedule.kind=exponential", "schedule.gamma=0.99", "schedule.warmup=4"),
    ),
    Case(
        "prelu_elu_clip_value",
        "dying-relu-fixed-leaky",
        (
            "network.layers[1].activation=prelu",
            "network.layers[2].activation=elu",
            "network.layers[2].alpha=0.5",
            "training.clip_value=0.05",
            "training.epochs=10",
        ),
    ),
    Case(
        "batch_norm_dropout",
        "vanishing-fixed-batchnorm",
        (
            "network.layers[1].dropout=0.2",
            "network.layers[3].dropout=0.1",
            "training.lr=0.05",
            "training.epochs=10",
        ),
    ),
    Case(
        "mse_one_hot_outputs",
        "spiral",
        ("network.loss=mse", "network.layers[3].activation=sigmoid", "training.epochs=10"),
    ),
    Case(
        "class_index_target",
        "overfitting",
        (
            "data.labels=index",
            "network.loss=mse",
            "network.layers[3].activation=linear",
            "training.epochs=40",
        ),
    ),
    Case(
        "standardized_patience_min_delta",
        "overfitting-fixed-early-stopping",
        ("data.standardize=true", "stop.min_delta=0.001", "stop.restore_best=false"),
    ),
]
