"""The lab's actions for changes while it trains (``tui.live_changes``), mixed into the app.

- ``<`` / ``>``: halve / double the learning rate η₀, from the next step;
- ``(`` / ``)``: remove / add a unit of the selected hidden layer (the last hidden one when
  none is selected); ``{`` / ``}``: remove the last hidden layer / add one before the output;
- the command palette: "Change … while it trains" for every live setting (a dialog);
- the network editor's "Apply": edits of live settings only are applied live, other edits
  rebuild the network keeping the weights that fit.

A refused value leaves training as it was and says why in the status line. A rebuild asks first
when it would lose anything (weights, the optimizer's state, the run's history), naming the
weights lost as ``engine.reshape.outcome`` gives them (``carry`` follows it), says afterwards
what it did ("Applied the edited network; lost: layer 2's weights (its inputs changed from 4 to
3)."), and, if training was running, goes on training the new network. The network editor stays
open while its edit is applied: it closes once applied; after No, or a refusal, it is handed back
with the draft as it was and the refusal at its field.
"""

from __future__ import annotations

from textual import work

from engine import live
from tui import live_changes as changes
from tui.lab_host import LabHost
from tui.screens.dialogs import ErrorDialog
from tui.session_errors import SessionError


class LiveActions(LabHost):
    """Actions of ``LabApp`` (it provides ``session``, ``training``, ``stop_training``, …)."""

    def apply_live(self, values: dict) -> str:
        """Put ``values`` in force from the next step; SessionError with the reason if refused."""
        session = self.lab_session
        message = changes.change(session, values, self.training)
        session.view.message = message
        self.mark_dirty()
        return message

    def _say(self, message: str, refused: bool = False) -> None:
        self.lab_session.view.message = message
        if refused:
            self.bell()
        self.mark_dirty()

    def action_lr(self, factor: float) -> None:
        """η₀ × ``factor`` from the next step (``<``: ½, ``>``: 2)."""
        session = self.lab_session
        try:
            self.apply_live(changes.scaled_lr(session, float(factor), self.training))
        except SessionError as e:
            self._say(str(e), refused=True)

    @work(group="dialog")
    async def action_reshape(self, what: str) -> None:
        """``add_unit``, ``remove_unit``, ``add_layer``, ``remove_layer`` (module docstring)."""
        selection = self.lab_session.view.selection
        layer = selection.l if selection is not None else None
        try:
            plan = changes.reshape_plan(self.lab_session, what, layer)
        except ValueError as e:
            self._say(f"Cannot {e}", refused=True)
            return
        lost = changes.plan_lost(self.lab_session, plan)

        def make(session):
            return changes.reshaped(session, plan)

        refusal = await self._rebuild(make, plan.what, plan.done, lost)
        if refusal == "":
            self._say(f"Network unchanged: you chose not to {plan.what}.")
        elif refusal:
            await self.push_screen_wait(ErrorDialog("The network was not changed", refusal))

    async def _rebuild(self, make, what: str, done: str, lost: list[str]) -> str | None:
        """Stop training, ask when anything would be lost (``what``: the question, as a verb),
        install the rebuilt session and say so (``done``: what was done; ``lost``: the weights
        lost, in words), go on training if it was. None when rebuilt; else why not: "" when
        the answer was No, the refusal otherwise (said in the status line too)."""
        was_running = self.training
        await self.stop_training()
        session = self.lab_session
        loses = changes.loses(session, lost)
        question = (
            f"{what[:1].upper()}{what[1:]}? The network is rebuilt, keeping the weights that "
            f"fit. Lost: {loses}."
        )
        refusal: str | None = None
        if loses and not await self._confirm(question):
            refusal = ""
        else:
            try:
                new = make(session)
            except SessionError as e:
                refusal = str(e)
            except MemoryError:
                refusal = "the new network does not fit in memory: make it smaller"
        if refusal is None:
            self._install(new)
            kept = f"lost: {'; '.join(lost)}" if lost else "every weight kept"
            self._say(f"{done[:1].upper()}{done[1:]}; {kept}.")
        elif refusal:
            self._say(f"Not changed: {refusal}", refused=True)
        if was_running:
            self._start_training("continue")
        return refusal

    def _editor(self):
        """The network editor that posted the edit being applied (open until it is), or None."""
        from tui.panels.network_editor import NetworkEditor

        editors = [s for s in self.screen_stack if isinstance(s, NetworkEditor)]
        return editors[-1] if editors and editors[-1].applying else None

    async def apply_edits(self, network: dict, training: dict, origins) -> None:
        """The network editor's sections: live when only live settings changed, else a
        rebuild keeping the weights that fit (``origins``: the old layer of each new one).
        The editor that asked is closed once they are applied, else handed back (module
        docstring); without one, a refusal is said in the status line (and a dialog)."""
        editor = self._editor()
        try:
            refusal = await self._apply_edits(network, training, origins, dialog=editor is None)
        except Exception as e:
            if editor is not None:  # never leave it waiting (Apply and escape wait too)
                editor.not_applied(refusal=f"Not applied: {type(e).__name__}: {e}")
            raise
        if editor is None:
            return
        if refusal is None:
            editor.dismiss(None)
        elif refusal:
            editor.not_applied(refusal=refusal)
        else:
            editor.not_applied(note="Not applied: you answered No; the draft is as you left it.")

    async def _apply_edits(self, network: dict, training: dict, origins, dialog: bool):
        """Apply the sections (``apply_edits``); None when applied, else why not ("": No).
        ``dialog``: a refusal to rebuild is shown in a dialog too."""
        session = self.lab_session
        values = changes.edit_values(session, network, training)
        if values is not None:
            if not values:
                self._say("Nothing changed.")
                return None
            try:
                self.apply_live(values)
            except SessionError as e:
                self._say(str(e), refused=True)
                return str(e)
            return None
        try:
            keep, lost = changes.edit_origins(session, network, origins)
        except ValueError:
            keep, lost = None, ["every weight (drawn anew)"]
        _, _, schedule = changes.sections_in_force(session.scenario, session.run)

        def make(current):
            carry: tuple[list, dict] | None = (keep, {}) if keep is not None else None
            return current.rebuild(network, training, schedule, carry)

        refusal = await self._rebuild(
            make, "apply the edited network", "applied the edited network", lost
        )
        if refusal and dialog:
            await self.push_screen_wait(ErrorDialog("The network was not changed", refusal))
        return refusal

    def action_change_setting(self, key: str) -> None:
        """The dialog for one live setting (the command palette's entries)."""
        from tui.screens.setting_dialog import SettingDialog

        session = self.lab_session
        trainer = session.run.trainer
        current = changes.in_force(session, self.training).get(key)
        setting = live.setting_of(trainer, key)
        allowed = setting.requirement()
        if setting.default is None and setting.section == "training":
            allowed += ', or "off"'
        note = f"{setting.meaning}. Must be {allowed}; applies from the next step."

        def apply(key: str, value) -> str:
            return self._apply_for_dialog({key: value})

        title = f"Change {setting.title} ({key}) while it trains"
        text = live.value_text(current) if current is not None else "off"
        if key == "schedule.kind":
            self._schedule_dialog(title, note)
            return
        self.push_screen(SettingDialog(key, title, text, note, apply))

    def _schedule_dialog(self, title: str, note: str) -> None:
        """The kind with the parameters it reads, changed together (``ScheduleDialog``)."""
        from tui.screens.schedule_dialog import ScheduleDialog

        values = changes.in_force(self.lab_session, self.training)
        texts = {
            key: live.value_text(value)
            for key, value in values.items()
            if key.startswith("schedule.") and value is not None
        }
        self.push_screen(ScheduleDialog(title, texts, note, self._apply_for_dialog))

    def _apply_for_dialog(self, values: dict) -> str:
        """``apply_live`` for a dialog: ValueError with the reason when refused (the dialog
        shows it and stays open)."""
        try:
            return self.apply_live(values)
        except SessionError as e:
            raise ValueError(str(e)) from None


def palette_entries(session) -> list[tuple[str, str, str]]:
    """(title, action, help) of every live setting, for the command palette."""
    trainer = session.run.trainer
    values = changes.latest(trainer)
    entries = []
    for key in live.keys(trainer):
        setting = live.setting_of(trainer, key)
        where = f" of layer {key[15 : key.index(']')]}" if key.startswith("network.layers[") else ""
        value = live.value_text(values.get(key))
        title = f"Change {setting.title}{where} while it trains (now {value})"
        entries.append((title, f"change_setting({key!r})", setting.meaning))
    return entries
