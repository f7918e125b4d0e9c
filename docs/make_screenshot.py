"""Write docs/screenshot.svg, the README's picture of the lab: ``python docs/make_screenshot.py``.

The spiral preset at 120×40 after 80 epochs, paused in the backward pass of the next step, so
that every panel has something to show. Seeded: the same picture every time.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from tui.app import LabApp

OUT = Path(__file__).with_name("screenshot.svg")


async def main() -> None:
    app = LabApp("spiral", theme="textual-dark")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.session.controller.run(800)  # 80 epochs of 10 mini-batches
        app.session.sync_view()
        await pilot.press("f", "s", "s", "s")  # forward pass, loss, δ³, ∂C/∂W³, δ²
        await pilot.pause(0.2)
        app.mark_dirty()
        app._refresh_if_dirty()
        await pilot.pause(0.3)
        OUT.write_text(app.export_screenshot(title="Backprop Lab — spiral"), encoding="utf-8")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    asyncio.run(main())
