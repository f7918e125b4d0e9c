"""``set_border_label`` repaints a panel only when its border's text changes (Textual repaints
the whole widget at every assignment, the same text included)."""

from textual.app import App
from textual.widgets import Static

from tui.panels.base import set_border_label


class Counted(Static):
    repaints = 0

    def refresh(self, *regions, **kwargs):
        self.repaints += 1
        return super().refresh(*regions, **kwargs)


async def test_the_same_label_does_not_repaint_and_a_new_one_does():
    widget = Counted("body")

    class One(App):
        def compose(self):
            yield widget

    async with One().run_test(size=(40, 10)) as pilot:
        set_border_label(widget, "border_subtitle", "2 → 8 → 1")
        await pilot.pause()
        before = widget.repaints
        set_border_label(widget, "border_subtitle", "2 → 8 → 1")
        assert widget.repaints == before
        set_border_label(widget, "border_subtitle", "2 → 9 → 1")
        assert widget.repaints == before + 1
        assert widget.border_subtitle == "2 → 9 → 1"


async def test_the_network_panel_redrawn_with_the_same_sizes_is_not_repainted_whole():
    """While training runs the Network panel is redrawn in turn with the others; its subtitle
    (the layer sizes) stays the same, so the panel itself is not repainted, only its picture."""
    from panel_harness import PanelApp, make_view

    from tui.panels.network_panel import NetworkPanel

    class CountedPanel(NetworkPanel):
        repaints = 0

        def refresh(self, *regions, **kwargs):
            self.repaints += 1
            return super().refresh(*regions, **kwargs)

    view = make_view("xor")
    app = PanelApp(CountedPanel(), view)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        panel = app.panel
        assert panel.border_subtitle == "2 → 4 → 1"
        before = panel.repaints
        panel.refresh_view(view)
        panel.refresh_view(view)
        assert panel.repaints == before
