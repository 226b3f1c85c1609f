"""Every modal salesbot opens, one module per area; `base` reads what a form holds."""
