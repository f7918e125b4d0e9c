"""The line mode's exercises: ``exercise`` lists the scenario's, ``exercise N`` poses one and
reads the answers, ``answer X`` and ``reveal`` finish one left open.

The checking is ``exercises.py``'s (the lab's Lesson panel shows the same exercises): the
debugger moves to just before the exercise's event, the learner types numbers until one is
within the tolerance (or ``reveal``), then the debugger steps onto the event and prints the
worked equation — the same explanation ``explain`` gives there. Plain text, one answer a line,
so it works piped and with ``--ascii``::

    printf 'exercise 2\\n0.15\\n-0.0381\\n' | backprop-lab debug worked-example
"""

from __future__ import annotations

import re
import textwrap
from typing import TYPE_CHECKING, TextIO

from . import exercises as ex
from .errors import DebuggerError

ANSWER_PROMPT = "(answer) "
LEAVE = ("skip", "")


class ExerciseCommands:
    """``exercise``, ``answer`` and ``reveal`` for ``LineMode`` (which provides ``ctl``,
    ``write``, ``read_line``, ``echo``, ``stdout``, ``ascii``, ``show_position``)."""

    exercises: tuple = ()
    attempt: ex.Attempt | None = None  # the exercise posed and not yet answered

    if TYPE_CHECKING:  # what LineMode provides
        from .controller import Controller

        ctl: Controller
        ascii: bool
        echo: bool
        stdout: TextIO

        def write(self, text: str = "") -> None: ...
        def read_line(self, prompt: str = ...) -> str: ...
        def show_position(self) -> None: ...

    def do_exercise(self, arg):
        if not arg:
            self._list_exercises()
            return
        number = _number(arg, len(self.exercises))
        exercise = self.exercises[number - 1]
        self.attempt = ex.start(self.ctl, exercise)
        self.write(exercise.title(self.ascii))
        for line in textwrap.wrap(" ".join(exercise.prompt.split()), 88):
            self.write(f"  {line}")
        self.write(f"The debugger stands just before it: {self.ctl.position.sentence()}")
        self.write(
            "Type your answer (a number), 'reveal' for the answer, or 'skip' to look around "
            "with the usual commands first (then 'answer NUMBER' or 'reveal')."
        )
        self._read_answers()

    def _list_exercises(self) -> None:
        if not self.exercises:
            self.write("This scenario has no exercises.")
            return
        self.write("Exercises (exercise N poses one):")
        for e in self.exercises:
            done = self.attempt is not None and self.attempt.exercise.number == e.number
            mark = " (open)" if done else ""
            self.write(f"  {e.number}. {e.quantity.symbol(self.ascii)} at {e.where()}{mark}")

    def _read_answers(self) -> None:
        """Answers, one a line, until one is right, 'reveal', 'skip' or the end of input."""
        while self.attempt is not None:
            line = self.read_line(ANSWER_PROMPT)
            if not line:
                if not self.echo:
                    self.stdout.write("\n")
                return
            if self.echo:
                self.stdout.write(line if line.endswith("\n") else line + "\n")
            text = line.strip()
            if text.lower() in LEAVE:
                self.write("The exercise stays open: 'answer NUMBER' or 'reveal' when ready.")
                return
            if text.lower() == "reveal":
                self.do_reveal("")
                return
            self._answer(text)

    def _answer(self, text: str) -> None:
        attempt = self.attempt
        assert attempt is not None  # callers check
        verdict = attempt.answer(text)
        if verdict.status == "not_a_number":
            self.write(verdict.message + " ('reveal' gives the answer, 'skip' leaves.)")
            return
        if not verdict.right:
            hint = f" {attempt.exercise.hint}" if attempt.exercise.hint else ""
            self.write(f"{verdict.message}{hint} Try again, or 'reveal'.")
            return
        self.write(verdict.message)
        self._finish()

    def do_answer(self, arg):
        if self.attempt is None:
            raise DebuggerError("no exercise is open; 'exercise N' poses one")
        if not arg:
            raise DebuggerError("answer needs a number, e.g. answer 0.1385")
        self._answer(arg)

    def do_reveal(self, arg):
        if self.attempt is None:
            raise DebuggerError("no exercise is open; 'exercise N' poses one")
        self.write(self.attempt.reveal())
        self._finish()

    def _finish(self) -> None:
        """Right or revealed: the worked equation, and the debugger onto the event."""
        attempt, self.attempt = self.attempt, None
        assert attempt is not None  # callers check
        self.write("")
        self.write(attempt.worked_text(self.ascii))
        self.write("")
        ex.show(self.ctl, attempt.exercise)
        self.show_position()


def _number(arg: str, count: int) -> int:
    if count == 0:
        raise DebuggerError("this scenario has no exercises")
    if not re.fullmatch(r"\d{1,9}", arg):  # decimal digits, as int reads them (not '²')
        raise DebuggerError(f"exercise takes a number 1…{count}, got {arg[:30]!r}")
    n = int(arg)
    if not 1 <= n <= count:
        raise DebuggerError(f"no exercise {n}; the scenario has exercises 1…{count}")
    return n
