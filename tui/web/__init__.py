"""The lab in web browsers (``backprop-lab serve``): needs the optional 'web' extra
(textual-serve). Nothing here is imported unless ``serve`` runs."""
