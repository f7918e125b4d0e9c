"""The lab's five panels: network, loss, gradients, debugger, data (one module each).

Contract between the panels and the app (tui/app.py):

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
