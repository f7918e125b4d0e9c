"""Keys typed while the lab poses an exercise wait for its answer box.

An exercise's action (its number, enter on it in the Lesson panel's list, a click on its link)
is carried out in a worker: training stops, the Debugger goes to just before the exercise's event,
then the answer box takes the focus — up to ~50 ms when idle, 100–200 ms while training runs.
Keys typed in that moment, "6" then "0.0321" in one go, went where the focus still was: ``.`` and
``0`` nowhere, a digit to the app's number keys, which ran the lesson's action of that number
(``3``: the Debugger to another event, ``2``: training started) or showed another tab; the box
stayed empty.

While an exercise is being posed, the app holds every key typed (``hold_keys``): keys coming in
(``App.on_event``, before any binding or widget sees them) and keys already handed to the focused
widget that it left to the app's bindings (they come back up to the app). When the exercise is
open (``release_keys``, after its worker), the held keys are handed out again, in the order they
were typed, as if typed then: into the answer box, enter checking the answer. If the lab asks a
question first (the exercise is past the steps it keeps: go back?), the held keys go to the
question as it opens (``LabScreen.on_screen_suspend``), as the keys after them do.

A hold lasts at most ``HOLD_LIMIT`` seconds: should its exercise never open (its message lost
with a lesson replaced in that moment), the keys go their way then, and the lab never stops
listening.
"""

from __future__ import annotations

from textual import events

from tui.lab_host import LabHost

HOLD_LIMIT = 3.0
"""Seconds a hold lasts at the most (posing an exercise takes 50–200 ms)."""


class KeyHold(LabHost):
    """The keys typed while an exercise is posed, held for its answer box (see the module
    docstring). A mixin of ``LabApp``."""

    _held_keys: list[events.Key] | None = None  # None: keys go their way

    def hold_keys(self) -> None:
        """Hold the keys typed from now on, until ``release_keys`` or for ``HOLD_LIMIT`` seconds
        (a hold already on goes on)."""
        if self._held_keys is None:
            held: list[events.Key] = []
            self._held_keys = held
            self.set_timer(HOLD_LIMIT, lambda: self._hold_expired(held))

    def _hold_expired(self, held: list[events.Key]) -> None:
        if self._held_keys is held:  # still the hold ``HOLD_LIMIT`` seconds old
            self.release_keys()

    def release_keys(self) -> None:
        """End the hold: the held keys go out once what is pending has run (the answer box's
        focus, which Textual gives after the current message), then keys go their way."""
        if self._held_keys is not None:
            self.call_later(self._hand_out)

    async def _hand_out(self) -> None:
        held, self._held_keys = self._held_keys or [], None
        for key in held:  # as App.on_event takes a key typed: priority bindings, the focus
            await super().on_event(key)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and self._held_keys is not None:
            if self.screen is self.screen_stack[0]:  # the lab's screen, no dialog over it
                self._held_keys.append(events.Key(event.key, event.character))
                return
            await self._hand_out()  # a question came first: the held keys go to it
        await super().on_event(event)
