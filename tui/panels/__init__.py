"""The lab's five panels: network, loss, gradients, debugger, data (one module each).

Contract between the panels and the app (tui/app.py):

- Classes: ``network_panel.NetworkPanel``, ``loss_panel.LossPanel``,
  ``gradients_panel.GradientsPanel``, ``debugger_panel.DebuggerPanel``, ``data_panel.DataPanel``;
  the app composes them with no arguments (plus ``id``) and sizes them from tui/app.tcss; a panel's
  border title is its own business (``BORDER_TITLE``). They must draw sensibly from 38×10 cells
  (one grid cell at 120×40) up to 80×20 (a full tab at 80×24).

- Each panel is a Textual widget with ``refresh_view(view: tui.view.LabView) -> None``. The app
  calls it on the main thread, at most ~15 times a second (a timer checks a dirty flag, so many
  training steps collapse into one refresh). ``view.generation`` changes when the run is replaced
  (new scenario, applied network, reset, loaded session): rebuild layout only then.
- Panels read engine state (``view.run``: ``.net``, ``.learner``, ``.trainer``, ``.history``,
  ``.data``, ``predict_grid``; ``view.controller``; ``view.event``) and never compute gradients.
- Panels request changes by posting messages from ``tui.messages`` (``DebugCommand``,
  ``ApplyNetwork``, ``SelectUnit``, ``SelectWeight``, ``ToggleLogScale``, ``CycleStat``); the app
  handles them and refreshes the view. App-wide key bindings live in the app; a panel binds only
  keys that make sense while it has focus.
"""
