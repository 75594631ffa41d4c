"""``sim dashboard``: serve the dashboard (``sim.dashboard.page``) on this machine, loopback unless told otherwise.

Every asset of the page is served by this server (the front-end files come with ``solara-assets``), and
Solara's usage statistics are turned off, so the page works with no network.
"""

from __future__ import annotations

import os

from sim.commands.options import bounded, check_listen


def serve(host: str = "127.0.0.1", port: int = 8765) -> None:
    """Serve ``sim.dashboard.page`` at http://HOST:PORT/ until interrupted; raise ``ScenarioError`` (one line
    naming ``--host`` or ``--port``) before announcing anything if it cannot listen there."""
    check_listen(host, port)
    os.environ["SOLARA_APP"] = "sim.dashboard.page"
    os.environ["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] = "False"  # no usage statistics sent anywhere
    os.environ["SERVER_NAME"] = host
    os.environ["SERVER_PORT"] = str(port)
    import uvicorn
    from solara.server import settings

    settings.main.mode = "production"
    _local_assets_only()
    settings.telemetry.mixpanel_enable = False
    config = uvicorn.Config("solara.server.starlette:app", host=host, port=port, log_level="warning", ws_max_size=2**26)
    server = uvicorn.Server(config)
    shown = f"[{host}]" if ":" in host else host
    print(f"dashboard at http://{shown}:{port}/ (Ctrl-C stops it)", flush=True)
    server.run()


def _local_assets_only() -> None:
    """Serve front-end files from the installed ``solara-assets`` only, never fetching a missing one.

    Solara serves its front-end files from a local folder that ``solara-assets`` fills, and fetches a
    file missing there from a public server; here a missing file is a plain 404.
    """
    from pathlib import Path

    import solara.server.starlette as app

    def local(cache_dir: Path, path: str) -> Path:
        parts = path.replace("\\", "/").split("/")
        found = (cache_dir / (path if len(parts) != 1 else Path(path) / "__main.js")).resolve()
        if not found.is_relative_to(cache_dir.resolve()) or not found.is_file():
            raise FileNotFoundError(path)
        return found

    app.get_path = local


def cmd_dashboard(args) -> int:
    serve(args.host, args.port)
    return 0


def register(sub) -> None:
    """The ``sim dashboard`` sub-command."""
    p = sub.add_parser("dashboard", help="serve the dashboard: run, step and compare scenarios in the browser")
    p.add_argument("--port", type=bounded(int, 1, 65535), default=8765, help="port to listen on (default: 8765)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine only)")
    p.set_defaults(func=cmd_dashboard)
