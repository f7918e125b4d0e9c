"""Scenario texts shared by the scenario tests."""

TINY = """
name = "tiny"
title = "Tiny"
summary = "A tiny scenario."
seed = 3

[data]
kind = "inline"
x = [[0.0, 1.0], [1.0, 0.0]]
y = [[1.0], [0.0]]

[network]
loss = "mse"

[[network.layers]]
size = 3
activation = "tanh"

[[network.layers]]
size = 1
activation = "linear"

[training]
optimizer = "momentum"
momentum = 0.5
lr = 1
"""

# A scenario with no lesson (4 examples, batches of 2, 2 epochs): the lab with its bare panels.
BARE = """
name = "bare"
title = "Bare"
summary = "No lesson."
[data]
kind = "inline"
x = [[0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]]
y = [[1.0], [1.0], [0.0], [0.0]]
[network]
loss = "mse"
[[network.layers]]
size = 1
activation = "sigmoid"
[training]
lr = 0.5
batch_size = 2
epochs = 2
"""
