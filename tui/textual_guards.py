"""Guards around Textual behaviour that would otherwise end the lab.

``OptionList._move_page`` (Textual 8.2.8) reads ``_index_to_line[highlighted]``, which is empty
until the list has been laid out: ``ctrl+p`` and ``PageUp`` arriving in one read from the
terminal (a paste, a fast typist, tmux ``send-keys``) raised ``KeyError: 0`` inside the command
palette and the app died. Until the list has a size there is no page to move by, so the key does
nothing, as Textual's own ``scroll_to_highlight`` does in the same case.
"""

from __future__ import annotations

from textual.widgets import OptionList

_move_page = OptionList._move_page


def _move_page_once_laid_out(self: OptionList, direction) -> None:
    if self._options and (self.highlighted or 0) not in self._index_to_line:
        return  # not laid out yet
    _move_page(self, direction)


def install() -> None:
    """Install the guards (idempotent)."""
    OptionList._move_page = _move_page_once_laid_out
