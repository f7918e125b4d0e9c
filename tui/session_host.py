"""``SessionHost``: ``LabSession`` as its mixins see it, for the type checker only.

``LabSession`` (``tui/session.py``) is made of ``SessionTraining`` (``tui/session_training.py``)
and ``SessionSaving`` (``tui/session_saving.py``), whose methods use the attributes and methods
``LabSession`` defines. Each mixin derives from ``SessionHost``, which declares them, and mypy
checks ``LabSession``'s own definitions against them. At run time ``SessionHost`` is ``object``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import threading
    from abc import abstractmethod

    from engine.debugger import Controller
    from engine.run import Run
    from scenarios import Scenario
    from tui.session_kept import Mark
    from tui.speed import Pacer
    from tui.view import LabView, Status, TrainingSnapshot

    class SessionHost:
        scenario: Scenario
        seed: int | None
        edits: dict | None  # {"network": …, "training": …} when the network was edited
        run: Run
        controller: Controller
        view: LabView
        pacer: Pacer
        lock: threading.RLock
        saved: Mark | None
        published: TrainingSnapshot | None

        def __init__(
            self, scenario: Scenario, run: Run, seed: int | None = None, edits=None, pacer=None
        ) -> None:
            pass

        @abstractmethod
        def position_tag(self) -> str: ...

        @abstractmethod
        def _failed(self, error: Exception) -> str: ...

        @abstractmethod
        def _divergence_message(self, stop) -> str: ...

        @abstractmethod
        def _outcome(self, stop, goal=None) -> tuple[Status, str]: ...

        def sync_view(self) -> None:
            pass

else:
    SessionHost = object
