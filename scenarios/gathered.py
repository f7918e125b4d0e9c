"""Every required key a scenario file lacks, named in one message: ``MissingKeys`` is the error
of one check, ``Gathered`` runs several checks of one document and reports their missing keys
together (``missing 2 required keys: title (one line); summary (…)``) — a file missing three
keys was refused three times over, one key a try."""

from __future__ import annotations

from .errors import ScenarioError


class MissingKeys(ScenarioError):
    """Required keys (or sections) the document lacks, all at once: ``missing`` names each as
    the message does (``key network.loss (…)``, ``section [data]``)."""

    def __init__(self, label: str, missing: list[str]):
        self.label, self.missing = label, missing
        super().__init__(f"{label}: {missing_text(missing)}")


def missing_text(missing: list[str]) -> str:
    """``missing required key title (one line)`` for one; for several, how many and each:
    ``missing 2 required keys: title (one line); summary (…)``."""
    if len(missing) == 1:
        return f"missing required {missing[0]}"
    kinds = sorted({entry.split(" ", 1)[0] for entry in missing})
    if len(kinds) == 1:  # all keys, or all sections: the word once
        what, shown = f"{kinds[0]}s", [entry.split(" ", 1)[1] for entry in missing]
    else:
        what, shown = "keys and sections", missing
    return f"missing {len(missing)} required {what}: " + "; ".join(shown)


class Gathered:
    """Several checks of one document, whose missing keys are reported together: ``run`` calls
    a check and keeps its ``MissingKeys`` (and the first other error); ``done`` raises all the
    missing keys in one message, else that first other error."""

    def __init__(self, label: str):
        self.label = label
        self.missing: list[str] = []
        self.error: ScenarioError | None = None

    def run(self, check, *args, **kwargs):
        """``check(*args, **kwargs)``, or None when it failed (kept for ``done``)."""
        try:
            return check(*args, **kwargs)
        except MissingKeys as e:
            self.missing += e.missing
        except ScenarioError as e:
            self.error = self.error or e
        return None

    def done(self) -> None:
        if self.missing:
            raise MissingKeys(self.label, self.missing)
        if self.error is not None:
            raise self.error
