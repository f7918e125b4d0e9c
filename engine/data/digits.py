"""The 8×8 handwritten digits bundled with scikit-learn (1797 images, classes 0–9; no download).

Each example is 64 pixel intensities scaled from 0…16 to 0…1, features ``p0_0`` … ``p7_7``
(row, column). ``n`` keeps the first n images.
"""

from __future__ import annotations

from .raw import RawData, classes

INSTALL_HINT = "pip install 'backprop-lab[digits]'"


def load_digits(n=None) -> RawData:
    try:
        from sklearn.datasets import load_digits as sklearn_digits
    except ImportError:
        raise ValueError(
            "data.kind = 'digits' needs scikit-learn, which is not installed; install it with: "
            f"{INSTALL_HINT}"
        ) from None
    x, labels = sklearn_digits(return_X_y=True)
    if n is not None:
        if isinstance(n, bool) or not isinstance(n, int) or not 2 <= n <= len(labels):
            raise ValueError(f"data.n must be an integer in 2…{len(labels)} for digits, got {n!r}")
        x, labels = x[:n], labels[:n]
    names = tuple(f"p{r}_{c}" for r in range(8) for c in range(8))
    return classes(x / 16.0, labels, names, "digits", tuple(str(d) for d in range(10)))
