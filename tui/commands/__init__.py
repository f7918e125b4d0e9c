"""Sub-commands of ``backprop-lab``: one module per command, registered in ``tui.cli.COMMANDS``."""
