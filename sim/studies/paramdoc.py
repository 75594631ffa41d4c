"""The parameter tables of docs/ODD.md and docs/reference.md, generated from the scenario schema and the output
declarations (declared once).

``python -m sim.studies.paramdoc`` rewrites the parameter, output and profile tables between their markers in
docs/ODD.md and docs/reference.md (the documentation site's reference); a test checks that the tables in both
are up to date.
"""

from __future__ import annotations

import sys
from pathlib import Path

from sim import scenario as S
from sim.scenario import ROOT
from sim.scenario.sources import SOURCES


def _fmt(v) -> str:
    if isinstance(v, list):
        if v and isinstance(v[0], (list, tuple)):
            return "; ".join(f"{y:g}: {x:g}" for y, x in v)
        return ", ".join(_fmt(x) for x in v)
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)


def _rows(model_cls, values, prefix: str):
    for name, field in model_cls.model_fields.items():
        ann = field.annotation
        value = getattr(values, name) if values is not None else field.default
        if isinstance(ann, type) and issubclass(ann, S.Block):
            yield from _rows(ann, value, f"{prefix}{name}.")
            continue
        extra = field.json_schema_extra or {}
        if "unit" not in extra:
            continue
        lo, hi = extra["range"]
        yield (f"`{prefix}{name}`", _fmt(value), extra["unit"], f"{_fmt(lo)} to {_fmt(hi)}", field.description,
               extra["source"])  # fmt: skip


def parameter_rows(baseline: S.Scenario):
    yield from _rows(S.Scenario, baseline, "")
    for region, r in baseline.regions.items():
        yield from _rows(S.RegionParams, r, f"regions.{region}.")
    for dest, d in baseline.destinations.items():
        yield from _rows(S.DestinationParams, d, f"destinations.{dest}.")
    for t in S.INTERVENTION_TYPES:
        kind = t.model_fields["kind"].annotation.__args__[0]
        yield from _rows(t, None, f"interventions.NAME.{kind}:")


def parameter_table() -> str:
    baseline = S.load_scenario(ROOT / "scenarios" / "baseline.toml")
    lines = [
        "| parameter | baseline | unit | range | description | source |",
        "|---|---|---|---|---|---|",
    ]
    for path, value, unit, rng, desc, src in parameter_rows(baseline):
        shown = "assumption" if src == "assumption" else f"[{src}](#sources)"
        lines.append(f"| {path} | {value} | {unit} | {rng} | {desc} | {shown} |")
    lines += [
        "",
        (
            "Intervention parameters are shown with their defaults; `NAME` is the label of the intervention "
            "in the scenario file and the word before the colon its `kind`."
        ),
        "",
        '<a id="sources"></a>Sources:',
        "",
    ]
    # every source: those of the parameters, and those the patterns, the notes and the scenario files cite
    lines += [f"- **{k}**: {v}" for k, v in SOURCES.items() if k != "assumption"]
    return "\n".join(lines)


def output_table() -> str:
    from sim.core.outputs import OUTPUTS, PER_DESTINATION, SUMMARIES

    lines = ["| column | unit | kind | description |", "|---|---|---|---|"]
    lines += [f"| `{o.name}` | {o.unit} | {o.kind} | {o.description} |" for o in (*OUTPUTS, *SUMMARIES)]
    lines += [
        f"| `{o.name.format(d='<destination>')}` | {o.unit} | {o.kind} | {o.description} |" for o in PER_DESTINATION
    ]
    return "\n".join(lines)


def profile_table() -> str:
    from sim.core.outputs import PROFILE_COLUMNS

    lines = ["| column | unit | kind | description |", "|---|---|---|---|"]
    lines += [f"| `{o.name}` | {o.unit} | {o.kind} | {o.description} |" for o in PROFILE_COLUMNS]
    return "\n".join(lines)


def generated() -> dict[str, str]:
    return {"parameters": parameter_table(), "outputs": output_table(), "profiles": profile_table()}


def between_markers(text: str, name: str, body: str) -> str:
    """``text`` with ``body`` between its ``<!-- NAME:start -->`` and ``<!-- NAME:end -->`` markers."""
    begin, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    head, rest = text.split(begin, 1)
    _, tail = rest.split(end, 1)
    return f"{head}{begin}\n{body}\n{end}{tail}"


# the files whose tables are generated: the ODD and the documentation site's reference
DOCUMENTS = (ROOT / "docs" / "ODD.md", ROOT / "docs" / "reference.md")


def update(path: Path = DOCUMENTS[0]) -> None:
    text = path.read_text()
    for key, body in generated().items():
        text = between_markers(text, key, body)
    path.write_text(text)


if __name__ == "__main__":
    for document in [Path(a) for a in sys.argv[1:]] or DOCUMENTS:
        update(document)
