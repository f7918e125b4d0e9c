"""A word longer than its line breaks after a hyphen, never inside a word (hyphen_breaks)."""

from textual.content import Content
from textual.geometry import Offset
from textual.selection import Selection

from tui.panels.hyphen_breaks import HyphenBreaks, break_after_hyphens, fit_name, word_breaks

SENTENCE = "What fixes it: saturation-fixed-cross-entropy (10 ▸ compare with it). With the"


def lines(text: str, width: int) -> list[str]:
    return break_after_hyphens(Content(text), width).plain.split("\n")


def test_a_name_longer_than_the_line_starts_a_line_and_breaks_after_hyphens():
    # Textual alone: 'saturation-fixed-cross-e' / 'ntropy (10 ▸ compare …'
    assert lines(SENTENCE, 24)[:3] == [
        "What fixes it:",
        "saturation-fixed-",
        "cross-entropy (10 ▸ compare with it). With the",  # Textual wraps the rest at spaces
    ]
    # the fewest lines, the most even: not 'saturation-fixed-cross-' / 'entropy'
    assert lines(SENTENCE, 26)[1] == "saturation-fixed-"
    assert lines(SENTENCE, 12)[1:4] == [
        "saturation-",
        "fixed-cross-",
        "entropy (10 ▸ compare with it). With the",
    ]
    assert lines("x overfitting-fixed-early-stopping y", 20) == [
        "x",
        "overfitting-fixed-",
        "early-stopping y",
    ]


def test_words_that_fit_are_left_to_textual():
    assert lines(SENTENCE, 40) == [SENTENCE]  # moved to the next line whole, by Textual
    assert lines("compare with dying-relu-fixed-leaky", 24) == [
        "compare with dying-relu-fixed-leaky"
    ]
    text = "a\nb"
    assert break_after_hyphens(Content(text), 1).plain == text


def test_only_a_hyphen_between_letters_is_a_break():
    assert lines("--set x", 4) == ["--set x"]  # no break in --set: Textual cuts it
    assert lines("go 1e-5-fold", 6) == ["go", "1e-5-fold"]  # nor in 1e-5 (nor after it)
    assert word_breaks("part-two", 0, 8, 4) == [5]
    assert word_breaks("a part-x", 2, 8, 4) == [7]
    # a part wider than the line: on a line of its own, cut there by Textual
    assert lines("saturation-fixed", 8) == ["saturation-", "fixed"]


def test_styles_and_links_survive_the_breaks():
    content = Content.assemble("What fixes it: ", ("saturation-fixed-cross-entropy", "bold"), " ok")
    broken = break_after_hyphens(content, 20)
    assert broken.plain == "What fixes it:\nsaturation-fixed-\ncross-entropy ok"
    bold = [broken.plain[s.start : s.end] for s in broken.spans if s.style == "bold"]
    assert "".join(bold).replace("\n", "") == "saturation-fixed-cross-entropy"


def test_the_visual_is_as_high_as_its_lines():
    from textual.css.styles import RulesMap

    visual = HyphenBreaks(Content(SENTENCE))
    rules: RulesMap = {}
    height = visual.get_height(rules, 24)
    assert height == len(Content(break_after_hyphens(Content(SENTENCE), 24).plain).wrap(24))


def test_a_name_on_one_line_is_cut_after_a_hyphen():
    name = "saturation-fixed-cross-entropy"
    assert fit_name(name, 30) == name
    assert fit_name(name, 24) == "saturation-fixed-cross-…"
    assert fit_name(name, 22) == "saturation-fixed-…"  # Textual: 'saturation-fixed-cros…'
    assert fit_name(name, 12) == "saturation-…"
    assert fit_name(name, 11) == name  # not even 'saturation-…': as it is (Textual cuts it)


def test_selected_text_is_the_text_without_the_breaks():
    visual = HyphenBreaks(Content(SENTENCE))
    assert visual.broken(24).plain.split("\n")[:2] == ["What fixes it:", "saturation-fixed-"]
    assert visual.selected(Selection(None, None)) == SENTENCE
    # from 'fixes' on the first line to 'cross' on the third: the name copied whole
    selected = visual.selected(Selection(Offset(5, 0), Offset(5, 2)))
    assert selected == "fixes it: saturation-fixed-cross"
    assert visual.selected(Selection(Offset(0, 0), Offset(14, 0))) == "What fixes it:"


def test_a_settings_key_path_breaks_after_its_dots():
    """In the Lesson column at 120x40 (24 cells) Textual cut ``--set`` overrides inside a word:
    'network.layers[1].bias_v' / 'alue=0', 'training.optimizer=rms' / 'prop'."""
    text = "with --set network.layers[1].bias_value=0 (and the same"
    assert lines(text, 24) == ["with --set", "network.layers[1].", "bias_value=0 (and the same"]
    assert lines("--set training.optimizer=rmsprop", 24) == [
        "--set",
        "training.",
        "optimizer=rmsprop",
    ]
    # never inside a number: 'turns=1.5' and '12.5.' are cut by Textual
    assert lines("try data.turns=1.5 or 12.5.", 4) == ["try", "data.", "turns=1.5 or", "12.5."]
    assert fit_name("my.long.name", 8) == "my.long.name"  # a name is cut after a hyphen only
