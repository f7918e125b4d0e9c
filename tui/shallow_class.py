"""Classes of the lab's layout, set on a node and restyling only the node and its children.

Textual restyles a node's whole subtree when one of its classes changes
(``DOMNode.set_class`` → ``App.update_styles``): a rule anywhere may select a descendant by it.
The classes of the lab's layout are read only by rules for the node itself or its children
(``app.tcss``: ``#panels.-lesson``, ``#panels.-lesson > #lesson``, ``#panels > .-off``, …), and
the subtree of ``#panels`` is every widget of the six panels: ``L`` restyled it all, then the
subtrees of two panels for the tabs' ``-off`` (~30–45 ms of the ~120 ms from the key to the
lesson on the screen: xor, paused, 120×40, measured headless). A rule that reads such a class
further down must not be added without setting the class the usual way.
"""

from __future__ import annotations

from collections.abc import Mapping

from textual.dom import DOMNode


def update_classes_shallow(node: DOMNode, classes: Mapping[str, bool]) -> None:
    """Add (True) or remove (False) the ``classes`` on ``node``, then restyle ``node`` and its
    children only (nothing when they were already so)."""
    changed = [name for name, add in classes.items() if node.has_class(name) != add]
    if not changed:
        return
    for name in changed:
        if classes[name]:
            node.add_class(name, update=False)
        else:
            node.remove_class(name, update=False)
    node.app.stylesheet.update_nodes([node, *node.children], animate=True)


def set_class_shallow(node: DOMNode, add: bool, name: str) -> None:
    """``update_classes_shallow`` for the one class ``name``."""
    update_classes_shallow(node, {name: add})
