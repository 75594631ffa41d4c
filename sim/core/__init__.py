"""The engine's base: persons as arrays, keyed draws, the exogenous paths, and the outputs' declaration.

Every process reads these; they read nothing above them."""
