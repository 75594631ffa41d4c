"""The outputs of a run, declared once: the recorder, the CSV headers, the plots and the docs read this.

``kind`` says how a column aggregates over a run: a ``flow`` is counted in the month it happens (sum it
over months), a ``stock`` is the state at the end of the month (take its last value), a ``ratio`` is a
state that is not a count. Counts are in real persons (person-agents times ``scale``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Output:
    name: str
    unit: str
    kind: str  # "flow", "stock", "ratio" or "label"
    description: str


OUTPUTS: tuple[Output, ...] = (
    Output("month", "index", "label", "month index: 0 is the initial state, 1 the first simulated month"),
    Output("date", "YYYY-MM", "label", "calendar month"),
    # population at home
    Output("population_home", "persons", "stock", "residents of the source country"),
    Output("births", "persons", "flow", "births to women living at home"),
    Output("deaths_home", "persons", "flow", "deaths of residents"),
    Output("working_age_share", "share", "ratio", "share of residents of working age (outputs.working_age to outputs.old_age: 15-64)"),
    Output("old_age_dependency_ratio", "ratio", "ratio", "residents of old age (from outputs.old_age: 65+) per resident of working age"),
    Output("unemployment_rate", "share", "ratio", "unemployed among residents in the labour force"),
    # outflows and returns
    Output("emigrants_legal", "persons", "flow", "residents who left with a legal work permit"),
    Output("emigrants_irregular", "persons", "flow", "residents who left without a permit"),
    Output("trafficked", "persons", "flow", "residents who left with a deceptive recruiter (true victims)"),
    Output("trafficked_sexual", "persons", "flow", "persons trafficked for sexual exploitation (the gang's choice)"),
    Output("trafficked_labour", "persons", "flow", "persons trafficked for forced labour (the gang's choice)"),
    Output("returns", "persons", "flow", "persons who came back home (from any status abroad)"),
    Output("emigrants_tertiary_share", "share", "ratio", "share of tertiary educated among this month's emigrants"),
    Output("emigrants_female_share", "share", "ratio", "share of women among this month's emigrants"),
    # stock abroad
    Output("abroad_legal", "persons", "stock", "legal migrants abroad"),
    Output("abroad_irregular", "persons", "stock", "irregular migrants abroad (including former victims who stay)"),
    Output("in_transit", "persons", "stock", "trafficking victims on their way to a destination"),
    Output("victims_sexual", "persons", "stock", "true victims in sexual exploitation"),
    Output("victims_labour", "persons", "stock", "true victims in forced labour"),
    Output("victims_peacekeeping", "persons", "stock", "true victims in sexual exploitation at destinations with troops"),
    Output("victim_months", "victim-months", "flow", "victim-months of exploitation of both kinds at all destinations in the month"),
    Output("deaths_abroad", "persons", "flow", "deaths of persons abroad or in transit"),
    # victims' exits and detection
    Output("victims_identified", "persons", "flow", "victims identified by police or services (detected victims)"),
    Output("interdicted", "persons", "flow", "victims stopped at the border and sent home"),
    Output("rescued", "persons", "flow", "victims freed by police raids"),
    Output("escaped", "persons", "flow", "victims who escaped"),
    Output("released", "persons", "flow", "victims released by their exploiters"),
    Output("retrafficked", "persons", "flow", "former victims trafficked again"),
    # crime and enforcement (real counts: recruiters, gangs and police are not scaled)
    Output("recruiters_active", "recruiters", "stock", "active recruiters of all kinds"),
    Output("recruiters_deceptive", "recruiters", "stock", "active recruiters working for gangs"),
    Output("gangs_active", "gangs", "stock", "active organised-crime groups"),
    Output("gang_revenue_usd", "USD", "flow", "gangs' revenue from exploitation and contraband"),
    Output("victims_revenue_usd", "USD", "flow", "gangs' revenue from victims held (a country's row: its victims)"),
    Output("contraband_usd", "USD", "flow", "gangs' revenue from other contraband (drugs, arms) past seizures"),
    Output("contraband_seized_usd", "USD", "flow", "gangs' contraband seized by border police and destinations' raids"),
    Output("gang_capital_usd", "USD", "stock", "capital of the active gangs"),
    Output("bribes_usd", "USD", "flow", "bribes gangs paid to police officials, prosecutors and judges"),
    Output("bribes_courts_usd", "USD", "flow", "bribes gangs paid to prosecutors and judges (part of bribes_usd)"),
    Output(
        "officials_corrupted", "officials", "stock", "police officials kept on gangs' payrolls by this month's bribes"
    ),
    Output("arrests", "persons", "flow", "recruiters and gang members arrested"),
    Output("prosecutions", "persons", "flow", "prosecutions started"),
    Output("convictions", "persons", "flow", "convictions"),
    Output("police_integrity", "0-1", "ratio", "mean integrity of police units"),
    Output("court_integrity", "0-1", "ratio", "mean integrity of the courts (prosecutors and judges)"),
)

# One column per destination for each of these (``{d}`` is the destination's name in the scenario).
PER_DESTINATION: tuple[Output, ...] = (
    Output("victims_sexual_at_{d}", "persons", "stock", "true victims in sexual exploitation at the destination"),
    Output("victims_labour_at_{d}", "persons", "stock", "true victims in forced labour at the destination"),
    Output(
        "victim_months_sexual_at_{d}", "victim-months", "flow",
        "victim-months of sexual exploitation there in the month (summed over a run: the exploitation done there)",
    ),
    Output("victim_months_labour_at_{d}", "victim-months", "flow", "victim-months of forced labour there in the month"),
    Output("price_sexual_{d}", "USD/victim-month", "ratio", "the month's price of a victim-month of sexual exploitation there"),
    Output("price_labour_{d}", "USD/victim-month", "ratio", "the month's price of a victim-month of forced labour there"),
)

# Ratios of two flows over a whole run (name: numerator, denominator): one number per run in its summary
# (``summarise``, ``runs.csv`` of a comparison), not a monthly column.
RUN_RATIOS: dict[str, tuple[str, str]] = {"labour_share_of_trafficked": ("trafficked_labour", "trafficked")}
SUMMARIES: tuple[Output, ...] = (
    Output("labour_share_of_trafficked", "share", "ratio",
           "share of the persons trafficked over the run who were bound for forced labour (0 without any; run summaries only)"),
)  # fmt: skip

# The profiles of the emigrants (``profiles.csv``): persons who left over the run, counted at departure
# by channel, sex, age band and education, in real persons. One row per cell, all cells present.
CHANNELS: dict[str, str] = {
    "legal": "emigrants_legal", "irregular": "emigrants_irregular", "trafficked_sexual": "trafficked_sexual",
    "trafficked_labour": "trafficked_labour",
}  # fmt: skip
SEXES: tuple[str, ...] = ("male", "female")  # the codes of ``Population.sex``
EDUCATIONS: tuple[str, ...] = ("primary", "secondary", "tertiary")  # the codes of ``Population.edu``
PROFILE_COLUMNS: tuple[Output, ...] = (
    Output("country", "label", "label", "the source country the person left (the scenario's name in a run of one)"),
    Output("channel", "label", "label", "how the person left: legal, irregular, or trafficked for sexual exploitation or forced labour (trafficked_sexual, trafficked_labour: the flows of those names)"),
    Output("sex", "label", "label", "male or female"),
    Output("age_band", "years", "label", "age at departure (bands from outputs.profile_age_bands)"),
    Output("education", "label", "label", "highest education: primary, secondary or tertiary"),
    Output("persons", "persons", "flow", "persons who left over the run"),
)


def age_band_labels(edges: list[int]) -> list[str]:
    """Labels of the age bands with lower ages ``edges``: a band below the first, the last open-ended
    (``[15, 25, 65]``: 0-14, 15-24, 25-64, 65+)."""
    lows = [0, *edges] if edges[0] > 0 else list(edges)
    return [f"{lo}-{hi - 1}" for lo, hi in zip(lows, lows[1:])] + [f"{lows[-1]}+"]


NAMES: tuple[str, ...] = tuple(o.name for o in OUTPUTS)
# the columns about recruiters, gangs, police and courts (a country's row counts its own and the gangs based there:
# ``MigrationModel.actor_row``)
ACTOR_COLUMNS: tuple[str, ...] = NAMES[NAMES.index("recruiters_active"):]
FLOWS: tuple[str, ...] = tuple(o.name for o in OUTPUTS if o.kind == "flow")
STOCKS: tuple[str, ...] = tuple(o.name for o in OUTPUTS if o.kind in ("stock", "ratio"))
BY_NAME = {o.name: o for o in OUTPUTS}
SUMMARY_BY_NAME = {o.name: o for o in SUMMARIES}


def columns(destinations) -> list[str]:
    """The columns of a run's table: the outputs, then the per-destination ones for ``destinations``."""
    return [*NAMES, *(o.name.format(d=d) for o in PER_DESTINATION for d in destinations)]


def per_destination_row(destinations, victims, price) -> dict[str, float]:
    """The per-destination columns of a month from victims and prices [destination, SEXUAL/LABOUR]."""
    values = (victims[:, 0], victims[:, 1], victims[:, 0], victims[:, 1], price[:, 0], price[:, 1])
    return {o.name.format(d=d): float(v[k]) for o, v in zip(PER_DESTINATION, values) for k, d in enumerate(destinations)}


def lookup(name: str) -> Output | None:
    """The declaration of a column: an output, a per-destination one (``victims_sexual_at_eu``), or one
    of them in one source country (``moldova:trafficked``, a comparison's metric of a run of several)."""
    country, sep, rest = name.partition(":")
    if sep:
        o = lookup(rest)
        if o is None or not country:
            return None
        own = "; the country's own actors, MigrationModel.actor_row" if rest in ACTOR_COLUMNS else ""
        return Output(name, o.unit, o.kind, f"{o.description} (in {country}{own})")
    if name in BY_NAME:
        return BY_NAME[name]
    if name in SUMMARY_BY_NAME:
        return SUMMARY_BY_NAME[name]
    for o in PER_DESTINATION:
        prefix = o.name.split("{d}")[0]
        if name.startswith(prefix) and len(name) > len(prefix):
            return Output(name, o.unit, o.kind, o.description)
    return None


def summarise(df) -> dict[str, float]:
    """One number per output for a run: flows summed over the months, stocks and ratios at the end
    (with the per-destination columns the table has)."""
    body = df[df["month"] > 0]
    out = {f"{n}": float(body[n].sum()) for n in FLOWS}
    last = df.iloc[-1]
    out.update({n: float(last[n]) for n in STOCKS})
    for c in df.columns:
        o = None if c in BY_NAME else lookup(c)
        if o is not None:
            out[c] = float(body[c].sum()) if o.kind == "flow" else float(last[c])
    for name, (num, den) in RUN_RATIOS.items():
        out[name] = out[num] / out[den] if out[den] else 0.0  # (0 in a run without any)
    return out


def summarise_countries(df) -> dict[str, float]:
    """``summarise`` of each source country of a run of several (``moldova:trafficked``, ...); empty for
    a run of one country."""
    by = df.attrs.get("by_country")
    if not by or len(set(by["country"])) < 2:
        return {}
    import pandas as pd

    table = pd.DataFrame(by)
    return {
        f"{country}:{k}": v
        for country, part in table.groupby("country", sort=False)
        for k, v in summarise(part.drop(columns="country").reset_index(drop=True)).items()
    }
