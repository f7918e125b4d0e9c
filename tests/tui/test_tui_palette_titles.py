"""The command palette's titles (tui/palette.py)."""

from __future__ import annotations

from tui.palette import lab_entries


def test_the_palette_quotes_bracket_keys():
    """'Add a unit ())' and 'Remove a unit (()' read as broken parentheses (new-user audit)."""
    titles = [text for text, _, _ in lab_entries()]
    assert 'Add a unit (")")' in titles and 'Remove a unit ("(")' in titles
    assert 'Add a layer ("}")' in titles and 'Remove a layer ("{")' in titles
    assert "Faster (+)" in titles and "Step (s)" in titles
