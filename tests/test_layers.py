"""The package's layers: a module imports only from its own layer or lower ones, and no two layers import each
other (directly or through others).

Layers, lowest first: ``sim.scenario``, ``sim.core``, ``sim.processes``, ``sim.engine``, ``sim.studies``, then
``sim.report`` and ``sim.dashboard`` (one level), then ``sim.commands``. The import graph is read from the source
with ``ast``: absolute and relative imports, at module level and inside functions, and modules named by a
constant string in a module that imports by name (``importlib.import_module``). ``sim/__init__.py`` (the public
API) may import anything; a module that imports ``sim`` itself depends on what ``sim/__init__.py`` imports.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "sim"
LAYERS = (
    ("sim.scenario",), ("sim.core",), ("sim.processes",), ("sim.engine",), ("sim.studies",),
    ("sim.report", "sim.dashboard"), ("sim.commands",),
)  # fmt: skip
RANK = {layer: rank for rank, level in enumerate(LAYERS) for layer in level}
BY_NAME_CALLS = ("import_module", "__import__")


@dataclass(frozen=True)
class Edge:
    """One import: the importing file and line, the importing module and the imported one."""

    path: str
    line: int
    importer: str
    imported: str


def module_names(package_dir: Path) -> dict[str, Path]:
    """Every module of the package under ``package_dir``, by dotted name."""
    root = package_dir.parent
    names = {}
    for path in sorted(package_dir.rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        names[".".join(parts)] = path
    return names


def _absolute(node: ast.ImportFrom, importer: str, is_package: bool) -> str:
    """The module a ``from ... import`` names, with a relative one resolved against its importer."""
    if node.level == 0:
        return node.module or ""
    base = importer.split(".") if is_package else importer.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def imports_of(path: Path, importer: str, modules: dict[str, Path], root: Path) -> list[Edge]:
    """The package's modules that the file at ``path`` imports, each with its line (paths shown from ``root``)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    is_package = path.name == "__init__.py"
    shown = path.relative_to(root).as_posix()
    found = []

    def add(name: str, line: int) -> None:
        if name == PACKAGE or name.startswith(PACKAGE + "."):
            found.append(Edge(shown, line, importer, name))

    by_name = False
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(alias.name, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            source = _absolute(node, importer, is_package)
            for alias in node.names:  # ``from sim import scenario`` imports the module sim.scenario
                add(f"{source}.{alias.name}" if f"{source}.{alias.name}" in modules else source, node.lineno)
        elif isinstance(node, ast.Call):
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            by_name = by_name or called in BY_NAME_CALLS
    if by_name:  # module names held as strings, imported by name
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in modules:
                add(node.value, node.lineno)
    return found


def layer_of(module: str) -> str | None:
    """The layer a module belongs to (``None`` for the package itself and modules outside the layers)."""
    for layer in RANK:
        if module == layer or module.startswith(layer + "."):
            return layer
    return None


def import_graph(package_dir: Path) -> list[Edge]:
    """Every import between the package's modules, ``sim/__init__.py`` included."""
    modules = module_names(package_dir)
    return [edge for name, path in modules.items() for edge in imports_of(path, name, modules, package_dir.parent)]


def violations(edges: list[Edge]) -> list[str]:
    """Imports from a lower layer to a higher one, and cycles between layers, one line each."""
    api_layers = {layer_of(e.imported) for e in edges if e.importer == PACKAGE} - {None}
    api_layer = max(api_layers, key=RANK.__getitem__, default=None)
    api_rank = RANK[api_layer] if api_layer else -1
    problems = []
    links: dict[str, dict[str, Edge]] = {}
    for e in edges:
        source = layer_of(e.importer)
        if source is None:  # the public API: exempt
            continue
        target = layer_of(e.imported)
        target_rank = api_rank if e.imported == PACKAGE else RANK.get(target, -1)
        if target_rank > RANK[source]:
            shown = f"{e.imported} (the public API, which imports {api_layer})" if target is None else e.imported
            problems.append(f"{e.path}:{e.line}: {e.importer} ({source}) imports {shown}, a higher layer")
        if target is not None and target != source:
            links.setdefault(source, {}).setdefault(target, e)
    for cycle in layer_cycles(links):
        steps = [links[a][b] for a, b in zip(cycle, cycle[1:])]
        path = "; ".join(f"{s.path}:{s.line} imports {s.imported}" for s in steps)
        problems.append(f"layers import each other: {' -> '.join(cycle)} ({path})")
    return problems


def layer_cycles(links: dict[str, dict[str, Edge]]) -> list[list[str]]:
    """Each elementary cycle of the layer graph once, as the list of its layers with the first repeated."""
    cycles = []
    nodes = sorted(set(links) | {t for targets in links.values() for t in targets})

    def walk(start: str, node: str, trail: list[str]) -> None:
        for nxt in sorted(links.get(node, {})):
            if nxt == start:
                cycles.append([*trail, start])
            elif nxt not in trail and nodes.index(nxt) > nodes.index(start):
                walk(start, nxt, [*trail, nxt])

    for start in nodes:
        walk(start, start, [start])
    return cycles


def test_imports_run_downward_only():
    problems = violations(import_graph(ROOT / PACKAGE))
    assert not problems, "imports against the layers:\n" + "\n".join(problems)


def test_every_module_of_the_package_is_in_a_layer():
    outside = [name for name in module_names(ROOT / PACKAGE) if name != PACKAGE and layer_of(name) is None]
    assert not outside, f"modules outside the layers {list(RANK)}: {outside}"


def _package(tmp_path: Path, files: dict[str, str]) -> Path:
    """A small package ``sim`` under ``tmp_path`` holding ``files`` (relative path: source)."""
    for name, source in files.items():
        path = tmp_path / PACKAGE / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source)
    return tmp_path / PACKAGE


LAWFUL = {
    "__init__.py": "from sim.commands.cli import main\n",
    "scenario/__init__.py": "",
    "core/__init__.py": "",
    "core/rng.py": "from sim.scenario import Scenario\n",
    "engine/__init__.py": "",
    "engine/model.py": "from ..core import rng\nfrom . import runner\n",
    "engine/runner.py": "def run():\n    from sim.core.rng import draw\n",
    "commands/__init__.py": "",
    "commands/cli.py": "import importlib\nimport sim\n\nNAMES = ('sim.engine.runner',)\n"
    "FOUND = [importlib.import_module(n) for n in NAMES]\n",
}


def test_the_checker_passes_a_tree_whose_imports_run_downward(tmp_path):
    edges = import_graph(_package(tmp_path, LAWFUL))
    assert {(e.importer, e.imported) for e in edges} >= {
        ("sim.core.rng", "sim.scenario"), ("sim.engine.model", "sim.core.rng"),
        ("sim.engine.model", "sim.engine.runner"), ("sim.engine.runner", "sim.core.rng"),
        ("sim.commands.cli", "sim.engine.runner"), ("sim.commands.cli", "sim"),
    }  # fmt: skip
    assert violations(edges) == []


def test_the_checker_catches_a_planted_upward_import(tmp_path):
    """Relative, absolute inside a function, by name, and through the public API: each is named by file and line."""
    files = {
        **LAWFUL,
        "core/rng.py": "from sim.scenario import Scenario\nfrom ..engine import model\n",
        "scenario/__init__.py": "def load():\n    from sim.commands.cli import main\n",
        "engine/runner.py": "import importlib\n\ndef ext():\n    return importlib.import_module('sim.commands.cli')\n",
        "processes/__init__.py": "import sim\n",
    }
    problems = violations(import_graph(_package(tmp_path, files)))
    assert "sim/core/rng.py:2: sim.core.rng (sim.core) imports sim.engine.model, a higher layer" in problems
    upward = "sim/scenario/__init__.py:2: sim.scenario (sim.scenario) imports sim.commands.cli, a higher layer"
    assert upward in problems
    assert "sim/engine/runner.py:4: sim.engine.runner (sim.engine) imports sim.commands.cli, a higher layer" in problems
    assert any(p.startswith("sim/processes/__init__.py:1: sim.processes (sim.processes) imports sim (the public API")
               for p in problems)  # fmt: skip
    assert any(p.startswith("layers import each other: sim.commands -> sim.engine -> sim.commands") for p in problems)


def test_the_checker_catches_a_cycle_between_layers_of_one_level(tmp_path):
    files = {
        **LAWFUL,
        "report/__init__.py": "from sim.dashboard import app\n",
        "dashboard/__init__.py": "",
        "dashboard/app.py": "def page():\n    import sim.report\n",
    }
    problems = violations(import_graph(_package(tmp_path, files)))
    assert problems == [
        "layers import each other: sim.dashboard -> sim.report -> sim.dashboard "
        "(sim/dashboard/app.py:2 imports sim.report; sim/report/__init__.py:1 imports sim.dashboard.app)"
    ]
