"""Backprop Lab's terminal user interface and command line.

The version lives here (and only here); ``pyproject.toml`` reads it when the package is built.
"""

__version__ = "0.1.0"
