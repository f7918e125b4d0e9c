"""``python -m tui`` behaves exactly like the ``backprop-lab`` console script."""

from tui.cli import main

if __name__ == "__main__":
    main(prog_name="backprop-lab")
