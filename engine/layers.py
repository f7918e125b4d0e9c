"""A dense (fully connected) layer: the forward and backward rules of one weight layer l.

    zˡ = aˡ⁻¹ (Wˡ)ᵀ + bˡ          (batch rows; Wˡ has shape (nˡ, nˡ⁻¹), as torch.nn.Linear)
    aˡ = σ(zˡ)
    δˡ = ∂C/∂aˡ ⊙ σ′(zˡ)         (∂C/∂aˡ = (Wˡ⁺¹)ᵀ δˡ⁺¹ = δˡ⁺¹ Wˡ⁺¹ in batch rows)
    ∂C/∂Wˡ = (δˡ)ᵀ aˡ⁻¹,  ∂C/∂bˡ = Σ_batch δˡ

Parameters live in ``params`` (a name → read-only array dict: ``W``, ``b`` and any the activation
adds, e.g. PReLU's ``alpha``). They are replaced, never modified in place, so old values can be
kept by reference.

Two options change the path from zˡ to aˡ:

- **Batch normalization** (``batch_norm = True``), as ``torch.nn.BatchNorm1d`` after the linear map:
      μ = mean_batch(z),  v = var_batch(z) (biased),  ẑ = (z − μ) / √(v + ε)
      u = γ ⊙ ẑ + β,  aˡ = σ(u)
  γ and β are parameters (``params["gamma"]``, ``params["beta"]``) the optimizer updates. The bias
  b is kept (as PyTorch keeps ``Linear``'s bias before the normalization); the mean subtraction
  cancels it, so ∂C/∂b = Σ δ is zero up to rounding. Evaluation uses the running averages in
  ``buffers`` (``running_mean``, ``running_var``: r ← (1 − m) r + m·stat, the variance unbiased,
  m = 0.1), which, like parameters, are replaced when a step commits, never modified in place.
  Backward: ∂C/∂u = ∂C/∂σ(u) ⊙ σ′(u);  ∂C/∂γ = Σ ∂C/∂u ⊙ ẑ;  ∂C/∂β = Σ ∂C/∂u;
      ∂C/∂ẑ = ∂C/∂u ⊙ γ;  δ = ∂C/∂z = (1 / (B √(v + ε))) (B ∂C/∂ẑ − Σ ∂C/∂ẑ − ẑ ⊙ Σ(∂C/∂ẑ ⊙ ẑ))
- **Inverted dropout** (``dropout = p``, hidden layers only): aˡ = σ(·) ⊙ mask with mask entries
  0 (probability p) or 1/(1 − p), drawn from the trainer's generator in training mode only; at
  evaluation aˡ = σ(·). Backward: ∂C/∂σ = ∂C/∂aˡ ⊙ mask.

``forward`` returns ``extra``: a dict holding the Forward event's fields (``mask``, ``z_hat``,
``batch_mean``, ``batch_var``) and what backward and the commit need besides (keys the event does
not have: ``u``, ``s`` = σ before the mask, ``inv_std``, ``buffers``). ``backward`` returns the
Delta event's fields (``mask``, ``grad_z_hat``) the same way, plus ``grad_u`` for the gradients.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .activations import Activation
from .arrays import dot, frozen, ones, product_for

_NO_PARAMS: dict = {}  # the keyword arguments of an activation without learnable parameters


# --- the equations of a dense layer, each once -----------------------------------------------
# Both the event stream (through ``Dense``) and the fast path (``engine.lean``, which passes
# buffers reused from step to step as ``out``) compute with these functions. ``product`` is the
# matrix product ``arrays.product_for`` chooses for the layer's size: ``np.dot`` on the lab's
# small arrays (less dispatch than ``@``), ``np.matmul`` on large ones — the same BLAS products.


def linear(a_prev, W_T, b, out=None, product=dot):
    """zˡ = aˡ⁻¹ (Wˡ)ᵀ + bˡ; ``W_T`` is the transposed view of Wˡ."""
    z = product(a_prev, W_T, out)
    z += b  # in place: one array and one pass less than `… + b`, the same values
    return z


def hidden_delta(from_above, local_slope, out=None):
    """δˡ = ∂C/∂aˡ ⊙ σ′(zˡ)."""
    return np.multiply(from_above, local_slope, out)


def gradients(delta, a_prev, grad_W=None, grad_b=None, ones_B=None, product=dot):
    """∂C/∂Wˡ = (δˡ)ᵀ aˡ⁻¹ and ∂C/∂bˡ = Σ_batch δˡ (summed over the batch rows); the sum as 1ᵀδ,
    a BLAS product, 2–3× faster than δ.sum(axis=0) (``ones_B``: the vector of ones, if at hand)."""
    if ones_B is None:
        ones_B = ones(delta.shape[0], delta.dtype)
    return product(delta.T, a_prev, grad_W), dot(ones_B, delta, grad_b)


def backpropagate(delta, W, out=None, product=dot):
    """(Wˡ)ᵀ δˡ in batch rows, δˡ Wˡ: the factor ∂C/∂aˡ⁻¹ that layer l − 1's delta starts from."""
    return product(delta, W, out)


@dataclass
class Dense:
    l: int
    n_in: int
    n_out: int
    activation: Activation
    params: dict[str, np.ndarray]
    init: str = ""  # how W was initialized, for display
    dropout: float = 0.0  # p, the probability of dropping a unit in training
    batch_norm: bool = False
    buffers: dict[str, np.ndarray] = field(default_factory=dict)  # batch norm's running stats
    bn_eps: float = 1e-5  # ε of the normalization (PyTorch's default)
    bn_momentum: float = 0.1  # m of the running averages (PyTorch's default)

    @property
    def W(self) -> np.ndarray:
        return self.params["W"]

    @property
    def b(self) -> np.ndarray:
        return self.params["b"]

    @property
    def n_params(self) -> int:
        return sum(p.size for p in self.params.values())

    def act_params(self, params: dict | None = None) -> dict:
        """The activation's learnable parameters (PReLU's alpha), as keyword arguments."""
        p = self.params if params is None else params
        return {name: p[name] for name in self.activation.learnable}

    def product(self, rows):
        """The matrix product for this layer's products over ``rows``' batch size."""
        return product_for(rows.shape[0] * self.n_in * self.n_out)

    @property
    def plain(self) -> bool:
        """No dropout and no batch norm: aˡ = σ(zˡ) and δˡ = ∂C/∂aˡ ⊙ σ′(zˡ)."""
        return not self.batch_norm and not self.dropout

    def forward(self, a_prev, rng=None, train=True):
        """zˡ = aˡ⁻¹ Wᵀ + b,  aˡ = σ(zˡ)  (with batch norm σ(γ ẑ + β), with dropout ⊙ mask).

        Returns (z, a, extra): ``extra`` is None for a plain dense layer, else a dict with the
        Forward event's extra fields (dropout mask, batch-norm values) and what backward needs.
        ``rng`` draws dropout masks; ``train=False`` is evaluation mode (no dropout, batch norm
        with its running statistics).
        """
        params = self.params
        z = linear(a_prev, params["W"].T, params["b"], None, self.product(a_prev))
        if self.plain:
            return z, self._activate(z), None
        extra: dict[str, np.ndarray] = {}
        u = self._normalize(z, train, extra) if self.batch_norm else z
        s = self._activate(u)
        a = s
        if self.dropout and train:
            if rng is None:
                raise ValueError(f"layer {self.l}: dropout in training needs a random generator")
            keep = rng.random(s.shape) >= self.dropout
            mask = keep.astype(s.dtype) * (1.0 / (1.0 - self.dropout))
            a = s * mask
            extra["mask"] = frozen(mask)
            extra["s"] = s
        return z, a, extra

    def _activate(self, u):
        """σ(u), its deliberate floating-point conditions (``Activation.quiet``) silenced."""
        act = self.activation
        params = self.act_params() if act.learnable else _NO_PARAMS
        if act.quiet:
            # NumPy's stubs read a ``**`` dict as also filling errstate's call= (a function)
            with np.errstate(**act.quiet):  # type: ignore[arg-type]
                return act(u, **params)
        return act(u, **params)

    def _normalize(self, z, train, extra):
        """u = γ ẑ + β with ẑ = (z − μ)/√(v + ε); fills ``extra`` with μ, v, ẑ, 1/√(v + ε)."""
        if train:
            mean = z.mean(axis=0)
            centered = z - mean
            var = (centered * centered).mean(axis=0)
        else:
            mean, var = self.buffers["running_mean"], self.buffers["running_var"]
            centered = z - mean
        inv_std = 1.0 / np.sqrt(var + self.bn_eps)
        z_hat = centered * inv_std
        u = self.params["gamma"] * z_hat + self.params["beta"]
        extra.update(z_hat=z_hat, batch_mean=mean, batch_var=var, inv_std=inv_std, u=u)
        if train:
            extra["buffers"] = self._running(mean, var, z.shape[0])
        for key in ("z_hat", "batch_mean", "batch_var"):
            frozen(extra[key])
        return u

    def _running(self, mean, var, batch: int) -> dict[str, np.ndarray]:
        """The running statistics after this batch: r ← (1 − m) r + m·stat (variance unbiased)."""
        m = self.bn_momentum
        unbiased = var * (batch / (batch - 1)) if batch > 1 else var
        old = self.buffers
        return {
            "running_mean": frozen((1.0 - m) * old["running_mean"] + m * mean),
            "running_var": frozen((1.0 - m) * old["running_var"] + m * unbiased),
        }

    def backward(self, grad_a, z, a, extra):
        """δˡ = ∂C/∂aˡ ⊙ σ′(zˡ), or through dropout and batch norm (see the module docstring).

        Returns (delta, local_slope, delta_extra): ``delta_extra`` is None for a plain layer, else
        the Delta event's extra fields (mask, ∂C/∂ẑ) and ∂C/∂u for ``gradients``.
        """
        if extra is None:
            act = self.activation
            params = self.act_params() if act.learnable else _NO_PARAMS
            local_slope = act.slope(z, a, **params)
            return hidden_delta(grad_a, local_slope), local_slope, None
        u = extra.get("u", z)
        mask = extra.get("mask")
        grad_s = grad_a if mask is None else grad_a * mask
        local_slope = self.activation.slope(u, extra.get("s", a), **self.act_params())
        grad_u = hidden_delta(grad_s, local_slope)
        delta_extra = {"grad_u": grad_u}
        if mask is not None:
            delta_extra["mask"] = mask
        if not self.batch_norm:
            return grad_u, local_slope, delta_extra
        z_hat, inv_std = extra["z_hat"], extra["inv_std"]
        grad_z_hat = grad_u * self.params["gamma"]
        batch = z.shape[0]
        delta = (inv_std / batch) * (
            batch * grad_z_hat - grad_z_hat.sum(axis=0) - z_hat * (grad_z_hat * z_hat).sum(axis=0)
        )
        delta_extra["grad_z_hat"] = frozen(grad_z_hat)
        return delta, local_slope, delta_extra

    def gradients(self, delta, a_prev, grad_a, z, extra, delta_extra=None) -> dict[str, np.ndarray]:
        """∂C/∂Wˡ = δᵀ aˡ⁻¹ and ∂C/∂bˡ = Σ δ; ∂C/∂γ = Σ ∂C/∂u ⊙ ẑ and ∂C/∂β = Σ ∂C/∂u with
        batch norm; ∂C/∂α for PReLU (from ∂C/∂σ and σ's input)."""
        grad_W, grad_b = gradients(delta, a_prev, product=self.product(delta))
        grads = {"W": grad_W, "b": grad_b}
        if extra is None:
            if self.activation.learnable:
                grads["alpha"] = self.activation.grad_alpha(z, grad_a)
            return grads
        grad_u = delta_extra["grad_u"]
        if self.batch_norm:
            grads["gamma"] = (grad_u * extra["z_hat"]).sum(axis=0)
            grads["beta"] = grad_u.sum(axis=0)
        if self.activation.learnable:
            mask = extra.get("mask")
            grad_s = grad_a if mask is None else grad_a * mask
            grads["alpha"] = self.activation.grad_alpha(extra.get("u", z), grad_s)
        return grads

    def activation_input(self, z, extra):
        """What σ is applied to: u = γ ẑ + β with batch norm, else zˡ."""
        return z if extra is None else extra.get("u", z)

    def from_above(self, delta):
        """(Wˡ)ᵀ δˡ in batch rows: the factor δˡ passes down to layer l − 1."""
        return backpropagate(delta, self.params["W"], None, self.product(delta))

    def describe(self) -> str:
        options = (" batch_norm" if self.batch_norm else "") + (
            f" dropout={self.dropout:g}" if self.dropout else ""
        )
        return f"{self.n_in}→{self.n_out} {self.activation!r}{options}"

    def __repr__(self) -> str:
        return f"Dense(l={self.l}, {self.describe()}, params={self.n_params})"
