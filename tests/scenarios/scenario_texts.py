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
