"""Published patterns against the baseline: ``python -m sim.studies.patterns [--seeds N] [--region] [--write]``.

Each target is a figure from a publication (see sim.scenario.sources) and the model's value over a few seeds
of the baseline at its default size. The table goes into docs/ODD.md (section "Patterns").
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

from sim.engine.runner import profiles, run
from sim.scenario import ROOT
from sim.scenario.units import MONTHS_PER_YEAR

OLDER_AGE = 45  # the age from which the published profiles count older victims (an age band of outputs.profile_age_bands)


def _year(df: pd.DataFrame, year: int) -> pd.DataFrame:
    return df[df["date"].str.startswith(str(year))]


def _share(rows: pd.DataFrame, where: pd.Series) -> float:
    total = rows["persons"].sum()
    return float(rows.loc[where, "persons"].sum() / total) if total else float("nan")


def measures(df: pd.DataFrame) -> dict[str, float]:
    """The model's side of each pattern, from one run of the baseline."""
    y0, body = _year(df, 2000), df[df["month"] > 0]
    pop0 = df["population_home"].iloc[0]
    per100k = lambda x: x / pop0 * 1e5  # noqa: E731
    entered = body["trafficked"].sum()
    years = len(body) / MONTHS_PER_YEAR  # the years of the run
    victims = (body["victims_sexual"] + body["victims_labour"]).mean()
    left = body[["emigrants_legal", "emigrants_irregular", "trafficked"]].sum(axis=1)
    last = df.iloc[-1]
    abroad = last[["abroad_legal", "abroad_irregular", "in_transit", "victims_sexual", "victims_labour"]].sum()
    who = profiles(df)
    trafficked = who[who["channel"].isin(["trafficked_sexual", "trafficked_labour"])]
    sexual, labour = who[who["channel"] == "trafficked_sexual"], who[who["channel"] == "trafficked_labour"]
    older = trafficked["age_band"].map(lambda band: int(band.split("-")[0].rstrip("+")) >= OLDER_AGE)
    return {
        "crude death rate 2000 (per 1,000)": y0["deaths_home"].sum() / pop0 * 1e3,
        "crude birth rate 2000 (per 1,000)": y0["births"].sum() / pop0 * 1e3,
        "unemployment rate 2000 / 2008": f"{_year(df, 2000)['unemployment_rate'].mean():.3f} / {_year(df, 2008)['unemployment_rate'].mean():.3f}",
        "victims trafficked per year per 100k residents": per100k(entered / years),
        "victims in exploitation per 100k residents (mean)": per100k(victims),
        "mean months in exploitation (stock / inflow)": victims / max(entered / len(body), 1e-9),
        "share of victims in sexual exploitation": body["victims_sexual"].mean() / victims,
        "victims identified per year per 4 million": body["victims_identified"].sum() / years / pop0 * 4e6,
        "convictions per year": body["convictions"].sum() / years,
        "share abroad in 2019 (of residents at start)": abroad / pop0,
        "tertiary share of emigrants": (body["emigrants_tertiary_share"] * left).sum() / left.sum(),
        "women's share of emigrants": who.loc[who["sex"] == "female", "persons"].sum() / who["persons"].sum(),
        "women's share of persons trafficked": _share(trafficked, trafficked["sex"] == "female"),
        "share of persons trafficked aged 15-24": _share(trafficked, trafficked["age_band"] == "15-24"),
        "share of persons trafficked aged 45 or over": _share(trafficked, older),
        "women's share of new victims of sexual exploitation": _share(sexual, sexual["sex"] == "female"),
        "men's share of new victims of forced labour": _share(labour, labour["sex"] == "male"),
        "gang revenue per victim-year (USD)": (
            body["gang_revenue_usd"].sum() / max(victims * len(body) / MONTHS_PER_YEAR, 1e-9)
        ),
    }


# pattern: (published figure, source, the figure as a number to compare with, or None)
TARGETS = {
    "crude death rate 2000 (per 1,000)": ("16.4 (Ukraine 1999)", "CIA", 16.4),
    "crude birth rate 2000 (per 1,000)": ("9.5 (Ukraine 1999)", "CIA", 9.5),
    "unemployment rate 2000 / 2008": ("0.124 / 0.069 (Ukraine)", "UKRSTAT", None),
    "victims trafficked per year per 100k residents": ("about 45 (Balkan origins), 7 (former Soviet Union)", "UNODC2010", 7),
    "victims in exploitation per 100k residents (mean)": (
        "about 9 (19% of 140,000 victims in Europe, from a former Soviet Union of about 290 million)", "UNODC2010", 9,
    ),
    "mean months in exploitation (stock / inflow)": ("about 24 (140,000 stock / 70,000 a year)", "UNODC2010", 24),
    "share of victims in sexual exploitation": ("0.82-0.84", "IOMMD2006", 0.83),
    "victims identified per year per 4 million": ("265-295 assisted (Moldova, 3.6 million)", "IOMMD2006", 310),
    "convictions per year": ("103 (Moldova 2007)", "TIP", 103),
    "share abroad in 2019 (of residents at start)": ("about 0.12 (Ukraine 5.9 of 49 million)", "UNDESA", 0.12),
    "tertiary share of emigrants": ("almost 0.40 (Moldova, Romania)", "WB2019", 0.40),
    "women's share of emigrants": ("about 0.33 (Ukraine's labour migrants, 2012)", "ILO2013", 0.33),
    "women's share of persons trafficked": ("about 0.70 (Moldova's identified victims, to 2014)", "LASTRADA", 0.70),
    "share of persons trafficked aged 15-24": ("0.15 aged 15-18 alone (Moldova 2001-2004)", "LASTRADA", None),
    "share of persons trafficked aged 45 or over": (
        "about 0.10 (victims from the four countries, CTDC's dataset; Ukraine 0.155, Moldova 0.05)", "CTDC2020", 0.10,
    ),
    "women's share of new victims of sexual exploitation": ("0.95 (EU registered victims, 2010-2012)", "EPRS2016", 0.95),
    "men's share of new victims of forced labour": ("0.71 (EU registered victims, 2010-2012)", "EPRS2016", 0.71),
    "gang revenue per victim-year (USD)": ("21,800 profit, sexual exploitation", "ILO2014", 21_800),
}


# the region's country shares: (published figure, source, {country: the figure as a share, or None})
REGION_TARGETS = {
    "share of persons trafficked (2000-2019)": (
        "Ukraine about half: 117,000 of about 225,000 trafficked from Belarus, Bulgaria, Moldova, Romania and "
        "Ukraine (1991-2006)", "IOM2006", {"ukraine": 0.52},
    ),
    "share of victims identified (2012-2013)": (
        "Ukraine 900, Moldova 276, Romania 876, Bulgaria 684 a year (2012-2013)", "calibration/*.toml",
        {"ukraine": 900 / 2736, "moldova": 276 / 2736, "romania": 876 / 2736, "bulgaria": 684 / 2736},
    ),
}
IDENTIFIED_YEARS = ("2012", "2013")


def region_measures(df: pd.DataFrame) -> dict[str, dict[str, float]]:
    """Each source country's share of the region's persons trafficked and victims identified, from one run of
    several countries."""
    from sim.engine.runner import by_country

    by = by_country(df)
    body = by[by["month"] > 0]
    trafficked = body.groupby("country", sort=False)["trafficked"].sum()
    years = body[body["date"].str[:4].isin(IDENTIFIED_YEARS)]
    identified = years.groupby("country", sort=False)["victims_identified"].sum()
    return {
        "share of persons trafficked (2000-2019)": (trafficked / trafficked.sum()).to_dict(),
        "share of victims identified (2012-2013)": (identified / max(identified.sum(), 1e-9)).to_dict(),
    }


def region_table(seeds: int = 1, scenario: Path = ROOT / "scenarios" / "region.toml") -> str:
    """The region's country shares against the published figures (mean over ``seeds``)."""
    runs = [region_measures(run(scenario, seed=s)) for s in range(1, seeds + 1)]
    countries = list(runs[0]["share of persons trafficked (2000-2019)"])
    lines = [f"| pattern | published | source | {' | '.join(countries)} |", "|---|---|---|" + "---|" * len(countries)]
    for key, (published, source, target) in REGION_TARGETS.items():
        model = [np.mean([r[key].get(c, 0.0) for r in runs]) for c in countries]
        cells = [f"{v:.2f}" + (f" ({target[c]:.2f})" if c in target else "") for c, v in zip(countries, model)]
        lines.append(f"| {key} | {published} | {source} | {' | '.join(cells)} |")
    return "\n".join(lines)


def table(seeds: int = 3, scenario: Path = ROOT / "scenarios" / "baseline.toml") -> str:
    runs = [measures(run(scenario, seed=s)) for s in range(1, seeds + 1)]
    lines = ["| pattern | published | source | model (mean over seeds) | within a factor of 2 |", "|---|---|---|---|---|"]
    for key, (published, source, target) in TARGETS.items():
        vals = [r[key] for r in runs]
        shown = vals[0] if isinstance(vals[0], str) else f"{np.mean(vals):,.3g}"
        within = "" if target is None else "yes" if 0.5 <= np.mean(vals) / target <= 2 else "no"
        lines.append(f"| {key} | {published} | {source} | {shown} | {within} |")
    return "\n".join(lines)


def write(text: str, path: Path = ROOT / "docs" / "ODD.md", marker: str = "calibration") -> None:
    """Replace the table between ``marker``'s markers in docs/ODD.md."""
    from sim.studies.paramdoc import between_markers

    path.write_text(between_markers(path.read_text(), marker, text))


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--region", action="store_true", help="the region's country shares (scenarios/region.toml)")
    ap.add_argument("--write", action="store_true", help="also write the table into docs/ODD.md")
    args = ap.parse_args()
    result = region_table(args.seeds) if args.region else table(args.seeds)
    print(result)
    if args.write:
        write(result, marker="region-patterns" if args.region else "calibration")
