"""``LabHost``: the lab's app as its mixins see it, for the type checker only.

``LabApp`` (``tui/app.py``) is a Textual ``App`` made of mixins (``TrainingWorker``,
``SpeedActions``, ``LessonActions``, ``KeyHold``, ``LabFiles``, ``SessionQuestions``,
``WorkerErrors``, ``LiveActions``) whose methods use what ``LabApp`` and the other mixins
define. Each mixin derives from ``LabHost``, which declares those attributes and methods, and
mypy checks ``LabApp``'s own definitions against them. At run time ``LabHost`` is ``object``:
the mixins stay plain classes and ``LabApp`` brings the ``App``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import threading
    from abc import abstractmethod
    from collections.abc import Iterable
    from typing import Any

    from textual.app import App
    from textual.widgets import Tabs

    from tui.frames import FrameScheduler
    from tui.gate import ThreadYield
    from tui.lesson_goal import LessonGoal
    from tui.session import LabSession
    from tui.status_bar import StatusBar

    class LabHost(App[None]):
        session: LabSession | None  # None until the app is mounted
        frames: FrameScheduler
        yielder: ThreadYield
        status_bar: StatusBar
        tabs: Tabs  # the panels' tabs (the tab layout)
        panels: dict[str, Any]  # the panels by name (NetworkPanel, LossPanel, …)
        current_tab: str
        trainee: Any  # what the training worker trains: the session or a Comparison
        _train_done: threading.Event
        _train_token: int

        # LabApp's
        @property
        @abstractmethod
        def lab_session(self) -> LabSession: ...

        def mark_dirty(self, panels: Iterable[str] | None = None, *, urgent: bool = True) -> None:
            pass

        def _tick(self) -> None:
            pass

        def _show_panel(self, name: str) -> None:
            pass

        def action_show_tab(self, name: str) -> None:
            pass

        def _install(self, session: LabSession) -> None:
            pass

        # KeyHold's
        def hold_keys(self) -> None:
            pass

        def release_keys(self) -> None:
            pass

        @abstractmethod
        async def _confirm(self, question: str) -> bool: ...

        @abstractmethod
        async def _may_drop_training(self, question: str) -> bool: ...

        @abstractmethod
        async def _replace_session(self, make: Any, refused: str, question: Any) -> bool: ...

        # LabFiles' (a worker)
        def load_session(self, path: str) -> Any:
            pass

        # TrainingWorker's and SpeedActions'
        @property
        @abstractmethod
        def training(self) -> bool: ...

        def start_training(
            self, until: str | LessonGoal, trainee: Any = None, *, status_first: bool = False
        ) -> None:
            pass

        def _start_training(
            self, until: str | LessonGoal, trainee: Any = None, *, status_first: bool = False
        ) -> None:
            pass

        async def stop_training(self, *, status_first: bool = False, draw: bool = True) -> None:
            pass

        def announce_event(self) -> None:
            pass

else:
    LabHost = object
