"""The ``sim`` command: one module per group of sub-commands, each a thin layer over the library."""
