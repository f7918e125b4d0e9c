"""The lab's actions that may drop work — quit, reset, open another scenario — and the questions
they ask first. ``SessionQuestions`` is a part of ``LabApp`` (tui/app.py): nothing a session
keeps is dropped unasked, and the question names what would be lost (``LabSession.unsaved``) or
kept (``session_kept.reset_target``)."""

from __future__ import annotations

from collections.abc import Callable

from textual import work

from tui.lab_host import LabHost
from tui.live_changes import seed_drawn
from tui.screens.dialogs import ConfirmDialog, ErrorDialog
from tui.session import LabSession
from tui.session_errors import SessionError
from tui.session_kept import listing, reset_target


class SessionQuestions(LabHost):
    """Quit, reset and open of ``LabApp`` (which provides ``session``, ``stop_training`` and
    ``_install``), and the questions before them."""

    @work(group="dialog", exit_on_error=False)
    async def action_reset(self) -> None:
        """Step 1 again, from the network's initial weights; the edits, the settings changed
        while it trained and the breakpoints are kept (``LabSession.reset``). Asks first when
        it loses work (``reset_loses``), naming it."""
        await self.stop_training(status_first=True)  # the dialog before the panels
        session = self.lab_session
        lost = reset_loses(session)
        if lost:
            question = f"Reset to {reset_target(session)}? {_capital(listing(lost))} will be lost."
            if not await self._confirm(question):
                return
        try:
            session = session.reset()
        except SessionError as e:  # e.g. its data file was removed since
            await self.push_screen_wait(ErrorDialog("Cannot reset", str(e)))
            return
        self._install(session)

    @work(group="dialog", exit_on_error=False)
    async def action_open_scenario(self) -> None:
        from tui.launch import names_session
        from tui.screens.picker import ScenarioPicker  # imported when first opened: start-up

        picker = ScenarioPicker(self.lab_session.scenario.name, sessions=True)
        choice = await self.push_screen_wait(picker)
        if choice is None:
            return
        if names_session(choice):  # a session saved with ctrl+s, typed in the picker's field
            self.load_session(choice)
        else:
            self.open_scenario(choice)

    @work(group="dialog", exit_on_error=False)
    async def open_scenario(self, name_or_path: str) -> None:
        await self._replace_session(
            lambda: LabSession.open(name_or_path),
            "Cannot open the scenario",
            lambda session: f"Open {session.scenario.name}?",
        )

    async def open_preset(self, name: str, settings: tuple[str, ...] = ()) -> bool:
        """Open preset ``name`` with ``settings`` (``--set`` overrides) in place of the lab's
        session, as a lesson's ``open`` action does; asks first when work would be lost. True
        when opened. (A coroutine for a worker: the lesson's actions run in one.)"""
        opened = await self._replace_session(
            lambda: LabSession.open(name, settings),
            "Cannot open the scenario",
            lambda session: (
                f"Open {session.scenario.name}"
                + (f" with {', '.join(settings)}?" if settings else "?")
            ),
        )
        if opened and settings:  # the title names the preset only: say what differs from it
            self.notify(", ".join(settings), title=f"Opened {name} with")
        return opened

    # a worker (it may wait on a dialog): Textual's action_quit is a plain coroutine
    @work(group="dialog", exit_on_error=False)
    async def action_quit(self) -> None:  # type: ignore[override]
        """Quit; asks first when anything the session keeps changed since it was opened or
        saved (``LabSession.unsaved``), naming it."""
        await self.stop_training()
        unsaved = self.session.unsaved() if self.session is not None else []
        if unsaved:
            one = len(unsaved) == 1
            question = (
                f"Quit? {_capital(listing(unsaved))} {'is' if one else 'are'} not saved "
                f"(ctrl+s saves {'it' if one else 'them'})."
            )
            if not await self._confirm(question):
                return
        self.exit()

    async def _confirm(self, question: str) -> bool:
        answer = await self.push_screen_wait(ConfirmDialog(question))
        return bool(answer)

    async def _replace_session(
        self, make: Callable[[], LabSession], refused: str, question: Callable[[LabSession], str]
    ) -> bool:
        """Put the session ``make()`` gives in place of the lab's (opening a scenario, loading
        a session): an error dialog titled ``refused`` when it cannot be made; else training
        stopped, and ``question(session)`` asked first when work would be lost
        (``_may_drop_training``). True when installed."""
        try:
            session = make()
        except SessionError as e:
            await self.push_screen_wait(ErrorDialog(refused, str(e)))
            return False
        await self.stop_training()
        if not await self._may_drop_training(question(session)):
            return False
        self._install(session)
        return True

    async def _may_drop_training(self, question: str) -> bool:
        """True when nothing the session keeps changed since it was opened or saved, or the
        user answers yes to ``question`` ("Open spiral?") followed by what would be lost."""
        unsaved = self.lab_session.unsaved()
        one = len(unsaved) == 1
        return not unsaved or await self._confirm(
            f"{question} {_capital(listing(unsaved))} will be lost (ctrl+s saves "
            f"{'it' if one else 'them'} first)."
        )


def reset_loses(session: LabSession) -> list[str]:
    """What ``r`` loses, in words: the training since the session was opened or saved ("the
    training up to step 37"); before the first step, weights that are not the seed's draw
    (trained ones a rebuild kept, ``live_changes.seed_drawn``), which the reset cannot draw
    again. [] when nothing."""
    lost = [f"the training up to {session.progress}"] if session.progress else []
    if not session.steps_done and not seed_drawn(session):
        lost.append("the trained weights the rebuild kept (the seed's draw replaces them)")
    return lost


def _capital(text: str) -> str:
    """``text`` with a capital first letter, unless it begins with a symbol (η stays η)."""
    return text[:1].upper() + text[1:] if text[:1].isascii() else text
