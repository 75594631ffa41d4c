"""The brief's context: everything the templates show, built from a comparison's tables.

Effects come from ``Comparison.effects`` (the rows of ``effects.csv``), costs from
``sim.studies.experiments.costs.cost_effectiveness``; every number is formatted by ``sim.studies.experiments.formatting``
and wrapped in ``<span class="n" data-...>`` naming the table cell it shows, so tests can check each
number against the comparison it came from.
"""

from __future__ import annotations

import datetime as _dt
import json
import math
from pathlib import Path

import pandas as pd
from markupsafe import Markup, escape

from sim.core.outputs import lookup
from sim.scenario import ROOT
from sim.studies.costs import intervention_costs
from sim.studies.experiments.compare import LABELS, Comparison, base_resolution, comparison_displacement, label
from sim.studies.experiments.costs import cost_effectiveness, scenario_of
from sim.studies.experiments.formatting import count, effect_decimals, factor, number, percent, usd
from sim.studies.experiments.formatting import distinguishable as effect_distinct
from sim.studies.experiments.plots import cost_effect_figure, effects_figure, fan_figure, svg

# the effects the findings speak of (those of the comparison, in this order); the rest are in the appendix
FINDING_METRICS = (
    "trafficked", "victims_sexual", "victims_labour", "victims_identified", "convictions", "gang_revenue_usd",
)  # fmt: skip
# the demographic consequences, shown where an alternative changes them distinguishably from zero
DEMOGRAPHIC_METRICS = ("population_home", "births", "working_age_share", "old_age_dependency_ratio", "deaths_home")
# what the brief says instead of a cost per unit (see sim.studies.experiments.costs.cost_per_unit)
NO_RATIO = {
    "unclear": {p: "undefined: the effect is not distinguishable from zero" for p in ("averted", "identified")},
    "loss": {"averted": "none averted: trafficking rises", "identified": "none: fewer victims identified"},
    "free": {p: "no added cost" for p in ("averted", "identified")},
    "gain": {p: "" for p in ("averted", "identified")},
}
MONTHS = "January February March April May June July August September October November December".split()


def title(name: str) -> str:
    """A scenario's name as a reader says it: 'police_training' -> 'Police training'."""
    text = name.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def n(text: str, **data) -> Markup:
    """A number as shown: the formatted text in a span whose data attributes say which value it is."""
    attrs = "".join(f' data-{k}="{escape(v)}"' for k, v in data.items())
    return Markup(f'<span class="n"{attrs}>{escape(text)}</span>')


def distinguishable(low: float, high: float) -> bool:
    """Whether a 95% interval excludes zero."""
    return bool(low > 0 or high < 0)


def _period(c: Comparison) -> tuple[str, str]:
    dates = sorted(c.timeseries.loc[c.timeseries["month"] > 0, "date"].unique())
    return dates[0], dates[-1]


def _month_name(date: str) -> str:
    y, m = date.split("-")
    return f"{MONTHS[int(m) - 1]} {y}"


def _years(c: Comparison) -> str:
    first, last = _period(c)
    if first.endswith("-01") and last.endswith("-12"):
        return f"{first[:4]}-{last[:4]}"
    return f"{_month_name(first)} to {_month_name(last)}"


def _and(words: list[str], last: str = "and") -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} {last} {words[-1]}"


def what(metric: str, c: Comparison) -> str:
    """The metric in a sentence: flows over the period, stocks at its end."""
    name = LABELS.get(metric, metric)
    if lookup(metric).kind == "flow":
        return f"{name} in {_years(c)}"
    return f"{name} in {_month_name(_period(c)[1])}"


def finding(c: Comparison, r) -> dict:
    """What the effect row ``r`` of ``c.effects`` says, in words, its numbers marked.

    A distinguishable effect is a sentence ("X lowers Y by 12.3% (95% interval 8.1% to 16.4%), from a to
    b."); another is a clause for the sentence that groups them ("Y (+1.0%, 95% interval -2.2% to +4.1%)").
    Relative numbers are marked ``data-per="baseline_mean"`` (the field divided by the baseline mean) and
    a sign turned round ``data-neg="1"``.
    """
    who, m, s = title(r.scenario), r.metric, r.scenario
    distinct = effect_distinct(m, r.ci_low, r.ci_high)
    relative = math.isfinite(r.relative_effect) and r.baseline_mean != 0
    d = effect_decimals(m, r.ci_low, r.ci_high)
    ref = {"scenario": s, "metric": m, **({"per": "baseline_mean"} if relative else {})}

    def size(field: str, neg: bool = False, sign: bool = False) -> Markup:
        x = -getattr(r, field) if neg else getattr(r, field)
        x = x / r.baseline_mean if relative else x
        cap = relative and neg and x > 1  # no count falls by more than all of it: a t interval's end past it is cut
        x = min(x, 1.0) if cap else x
        text = percent(x, sign) if relative else number(m, x, sign, d)
        return n(text, field=field, **ref, **({"neg": "1"} if neg else {}), **({"cap": "1"} if cap else {}))

    thing = escape(what(m, c))
    means = [n(number(m, getattr(r, f)), field=f, scenario=s, metric=m) for f in ("baseline_mean", "scenario_mean")]
    span = Markup("from {} to {}").format(*means)
    out = {"scenario": s, "metric": m, "distinguishable": distinct, "identical": False, "text": None, "clause": None}
    if distinct and r.effect < 0:
        out["text"] = Markup("{} lowers {} by {} (95% interval {} to {}), {}.").format(
            who, thing, size("effect", True), size("ci_high", True), size("ci_low", True), span)
    elif distinct:
        out["text"] = Markup("{} raises {} by {} (95% interval {} to {}), {}.").format(
            who, thing, size("effect"), size("ci_low"), size("ci_high"), span)
    elif r.ci_low == r.ci_high == r.effect == 0:
        out["identical"] = True
        out["clause"] = thing
    else:
        out["clause"] = Markup("{} ({}, 95% interval {} to {})").format(
            thing, size("effect", sign=True), size("ci_low", sign=True), size("ci_high", sign=True))
    return out


def findings_of(c: Comparison, name: str, metrics: list[str]) -> list[dict]:
    """The findings on ``name``: a sentence per distinguishable effect, then one for the others, then the
    outcomes identical in every run. Each item: ``text``, ``distinguishable`` and its ``metrics``."""
    rows = {r.metric: r for r in c.effects[c.effects["scenario"] == name].itertuples()}
    found = [finding(c, rows[m]) for m in metrics if m in rows]
    items = [{"text": f["text"], "distinguishable": True, "metrics": [f["metric"]]} for f in found if f["text"]]
    unclear = [f for f in found if f["clause"] and not f["identical"]]
    same = [f for f in found if f["identical"]]
    if unclear:
        items.append({"text": Markup("No change distinguishable from zero in {}.").format(
            Markup("; ").join(f["clause"] for f in unclear)), "distinguishable": False,
            "metrics": [f["metric"] for f in unclear]})  # fmt: skip
    if same:
        text = Markup("The same in every paired run: {}.").format(Markup(", ").join(f["clause"] for f in same))
        items.append({"text": text,
                      "distinguishable": False, "metrics": [f["metric"] for f in same]})  # fmt: skip
    return items


def _flat(d, prefix: str = "") -> dict:
    out = {}
    for k, v in d.items():
        if isinstance(v, dict) and v:
            out.update(_flat(v, f"{prefix}{k}."))
        else:
            out[f"{prefix}{k}"] = v
    return out


def _changes(c: Comparison, name: str) -> list[tuple[str, str, str]]:
    """Resolved settings of ``name`` that differ from the base: (key, base value, value)."""
    base, alt = _flat(c.manifest["scenarios"][c.base]), _flat(c.manifest["scenarios"][name])
    skip = {"name", "description"}
    keys = [k for k in dict.fromkeys([*base, *alt])
            if k not in skip and base.get(k) != alt.get(k) and {} not in (base.get(k), alt.get(k))]  # fmt: skip
    show = lambda v: "(none)" if v is None else json.dumps(v)  # noqa: E731
    return [(k, show(base.get(k)), show(alt.get(k))) for k in keys]


def calibration_rows(odd: Path = ROOT / "docs" / "ODD.md") -> list[list[str]]:
    """The pattern table of docs/ODD.md (published figure against the baseline), when the file is there."""
    try:
        text = odd.read_text(encoding="utf-8")
        body = text.split("<!-- calibration:start -->", 1)[1].split("<!-- calibration:end -->", 1)[0]
    except (OSError, IndexError):
        return []
    rows = [[cell.strip() for cell in line.strip().strip("|").split("|")] for line in body.strip().splitlines()]
    return [r for r in rows[2:] if len(r) == 4]


def _interval(fmt, r, low: str, high: str, **ref) -> Markup:
    """'a to b' of the fields ``low`` and ``high`` of row ``r``, each a marked number."""
    return Markup("{} to {}").format(*(n(fmt(getattr(r, f)), field=f, **ref) for f in (low, high)))


def cost_rows(c: Comparison, ce: pd.DataFrame) -> list[dict]:
    """The cost-effectiveness table: one row per alternative, every number a marked span."""
    rows = []
    for r in ce.itertuples():
        ref = {"scenario": r.scenario}
        cell = lambda fmt, f: n(fmt(getattr(r, f)), field=f, **ref)  # noqa: E731
        row = {"scenario": r.scenario, "title": title(r.scenario), "cost": cell(usd, "cost"), "cost_interval": None}
        if r.cost_ci_high - r.cost_ci_low > 0:
            row["cost_interval"] = _interval(usd, r, low="cost_ci_low", high="cost_ci_high", **ref)
        for p in ("averted", "identified", "convictions"):
            row[p] = cell(lambda x: count(x, True), p)
            signed = lambda x: count(x, True)  # noqa: E731
            row[f"{p}_interval"] = _interval(signed, r, low=f"{p}_ci_low", high=f"{p}_ci_high", **ref)
            row[f"{p}_distinct"] = distinguishable(getattr(r, f"{p}_ci_low"), getattr(r, f"{p}_ci_high"))
        for p in ("averted", "identified"):
            verdict = getattr(r, f"cost_per_{p}_verdict")
            row[f"per_{p}_verdict"] = verdict
            row[f"per_{p}_text"] = NO_RATIO[verdict][p]
            if verdict == "gain":
                row[f"per_{p}"] = cell(usd, f"cost_per_{p}")
                row[f"per_{p}_interval"] = _interval(usd, r, f"cost_per_{p}_low", f"cost_per_{p}_high", **ref)
        rows.append(row)
    return rows


def _per(unit: str) -> str:
    """A rate's unit after its amount: 'USD/month' -> 'per month', 'USD per unit-month' -> 'per unit-month'."""
    unit = unit.removeprefix("USD").strip()
    return f"per {unit[1:]}" if unit.startswith("/") else unit


def breakdown_rows(c: Comparison) -> list[dict]:
    """What each alternative's interventions cost: exposure, rate and cost (mean over replications)."""
    out = []
    for name in c.scenarios[1:]:
        sc = scenario_of(c, name)
        monthly = c.timeseries[c.timeseries["scenario"] == name]
        runs = [intervention_costs(sc, g) for _, g in monthly.groupby("replication")]
        if not runs or runs[0].empty:
            continue
        mean = pd.concat(runs).groupby("intervention", sort=False)[["exposure", "cost"]].mean()
        for r in runs[0].itertuples():
            out.append({
                "scenario": title(name), "intervention": r.intervention, "kind": r.kind, "months": r.months,
                "exposure": f"{mean.loc[r.intervention, 'exposure']:,.0f} {r.exposure_unit}" if r.exposure_unit else "",
                "rate": f"{usd(r.rate)} {_per(r.rate_unit)}" if r.rate_unit else "no cost",
                "cost": n(usd(mean.loc[r.intervention, "cost"]), field="breakdown_cost", scenario=name,
                          intervention=r.intervention),
            })  # fmt: skip
    return out


def relative_change(r) -> dict:
    """The relative change of effect row ``r`` and its 95% interval, marked (``data-per="baseline_mean"``)."""
    ref = {"scenario": r.scenario, "metric": r.metric, "per": "baseline_mean"}
    if not (math.isfinite(r.relative_effect) and r.baseline_mean != 0):
        return {"change": n(percent(float("nan")), field="relative_effect", **ref), "interval": None, "distinct": False}
    cell = lambda f: n(percent(getattr(r, f) / r.baseline_mean, True), field=f, **ref)  # noqa: E731
    return {"change": cell("effect"), "interval": Markup("{} to {}").format(cell("ci_low"), cell("ci_high")),
            "distinct": effect_distinct(r.metric, r.ci_low, r.ci_high)}  # fmt: skip


GLANCE_METRICS = ("trafficked", "victims_identified")


def glance_rows(c: Comparison, ce: pd.DataFrame, costs: list[dict]) -> list[dict]:
    """At a glance: per alternative the change of the headline metrics, the cost, the cost per victim averted."""
    eff = {(r.scenario, r.metric): r for r in c.effects.itertuples()}
    by = {row["scenario"]: row for row in costs}
    out = []
    for name in c.scenarios[1:]:
        row = {"title": title(name), "metrics": {}, "cost": by[name]["cost"], "per": by[name]}
        for m in GLANCE_METRICS:
            row["metrics"][m] = relative_change(eff[(name, m)]) if (name, m) in eff else None
        out.append(row)
    return out


def effect_rows(c: Comparison, metrics) -> list[dict]:
    """Rows of an effects table (base, alternative, effect, interval, change), every number a marked span."""
    rows = []
    for r in c.effects[c.effects["metric"].isin(list(metrics))].itertuples():
        ref = {"scenario": r.scenario, "metric": r.metric}
        m = r.metric
        d = effect_decimals(m, r.ci_low, r.ci_high)
        rows.append({
            "scenario": title(r.scenario), "label": label(m) + (" (%)" if lookup(m).unit in ("share", "0-1") else ""),
            "base": n(number(m, r.baseline_mean), field="baseline_mean", **ref),
            "alt": n(number(m, r.scenario_mean), field="scenario_mean", **ref),
            "effect": n(number(m, r.effect, True, d), field="effect", **ref),
            "interval": Markup("{} to {}").format(n(number(m, r.ci_low, True, d), field="ci_low", **ref),
                                                  n(number(m, r.ci_high, True, d), field="ci_high", **ref)),
            "change": n(percent(r.relative_effect, True), field="relative_effect", **ref),
            "distinct": effect_distinct(m, r.ci_low, r.ci_high),
        })  # fmt: skip
    return rows


def displacement_sentences(c: Comparison) -> dict[str, Markup]:
    """For each alternative with a demand-side measure, where the exploitation it removed went (its share
    displaced: ``sim.studies.experiments.displacement``)."""
    out = {}
    for r in comparison_displacement(c).itertuples():
        where = _and([d.upper() if len(d) <= 3 else d.title() for d in r.destinations.split()])
        if not math.isfinite(r.share_displaced):
            continue
        numbers = {
            "lost": n(count(r.lost), metric="displacement_lost"), "where": where,
            "gained": n(count(abs(r.gained)), metric="displacement_elsewhere"),
            "share": n(percent(r.share_displaced), metric="share_displaced"),
            "low": n(percent(r.ci_low), metric="share_displaced_low"),
            "high": n(percent(r.ci_high), metric="share_displaced_high"),
        }  # fmt: skip
        text = (
            "Of the {lost} victim-months of exploitation the measure removed at {where}, {gained} reappeared at "
            "other destinations: a share displaced of {share} (95% interval {low} to {high})."
            if r.gained >= 0 else
            "The measure removed {lost} victim-months of exploitation at {where}, and the other destinations lost "
            "{gained} more rather than gaining them: a share displaced of {share} (95% interval {low} to {high})."
        )  # fmt: skip
        out[r.scenario] = Markup(text).format(**numbers)
    return out


def build_context(c: Comparison, *, figures: bool = True, ce: pd.DataFrame | None = None) -> dict:
    """Everything the templates need, from the comparison ``c`` (and its cost-effectiveness ``ce``)."""
    ce = cost_effectiveness(c) if ce is None else ce
    mf = c.manifest
    first, last = _period(c)
    alts = c.scenarios[1:]
    present = list(dict.fromkeys(c.effects["metric"]))
    finding_metrics = [m for m in FINDING_METRICS if m in present]
    findings = {name: findings_of(c, name, finding_metrics) for name in alts}
    demo = [m for m in DEMOGRAPHIC_METRICS if m in present]
    demo_rows = [row for row in effect_rows(c, demo) if row["distinct"]]
    e = c.effects
    widths = (e["unpaired_ci_width"] / e["paired_ci_width"]).where(e["paired_ci_width"] > 0)
    sc0 = mf["scenarios"][c.base]
    posterior = mf.get("posterior")
    shifted = displacement_sentences(c)
    ctx = {
        "title": _and([title(a) if k == 0 else title(a).lower() for k, a in enumerate(alts)])
        + f" against the {c.base.replace('_', ' ')}",
        "question": (f"What would {_and([title(a).lower() for a in alts], 'or')} change against the "
                     f"{c.base.replace('_', ' ')} scenario from {_month_name(first)} to {_month_name(last)}, "
                     "and at what cost?"),  # fmt: skip
        "base": c.base,
        "scenarios": [{"name": s, "title": title(s), "is_base": s == c.base,
                       "description": mf["scenarios"][s].get("description") or "(no description)"}
                      for s in c.scenarios],  # fmt: skip
        "period": f"{_month_name(first)} to {_month_name(last)}",
        "population": count(sc0["population"]["size"]),
        "replications": mf["replications"],
        "seeds": mf["seeds"],
        "resolution": base_resolution(c).line,  # None unless the base's trafficking is a few person-agents
        "findings": [{"scenario": a, "title": title(a), "sentences": findings[a], "displacement": shifted.get(a)}
                     for a in alts],  # fmt: skip
        "costs": (costs := cost_rows(c, ce)),
        "glance": glance_rows(c, ce, costs),
        "glance_metrics": [(m, LABELS.get(m, m)) for m in GLANCE_METRICS if m in present],
        "breakdown": breakdown_rows(c),
        "demography": demo_rows,
        "demography_metrics": ", ".join(LABELS.get(m, m) for m in demo),
        "effects": effect_rows(c, present),
        "pairing": factor(float(widths.median())) if widths.notna().any() else None,
        "posterior": posterior,
        "calibration": calibration_rows(),
        "provenance": {
            "commit": mf.get("commit") or "unknown",
            "versions": mf.get("versions", {}),
            "scenarios": [{"name": s, "changes": _changes(c, s) if s != c.base else [],
                           "resolved": json.dumps(mf["scenarios"][s], indent=1)} for s in c.scenarios],  # fmt: skip
            "made": _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "seeds": mf["seeds"],
            "months": int(c.timeseries["month"].max()),
        },
        "figures": {"fan": None, "effects": None, "cost": None},
    }
    if figures:
        ctx["figures"] = {
            "fan": Markup(svg(fan_figure(c.timeseries, c.scenarios), "fan")),
            "effects": Markup(svg(effects_figure(c.effects, c.base), "effects")),
            "cost": Markup(svg(cost_effect_figure(ce, c.scenarios), "cost")),
        }
    return ctx


