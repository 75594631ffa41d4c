"""The dashboard (Solara): run, step and compare scenarios in the browser. ``sim dashboard`` serves it."""
