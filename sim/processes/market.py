"""The market for victims: each month's prices and what a new victim is expected to earn a gang.

Computed once a month, after the month's context (step 1), and read by recruitment (which offers
pay), exploitation (revenue), the gangs (hiring, routes, entry, bribes) and the police (what a gang
stands to lose).

Demand. Each destination buys victim-months of sexual exploitation and of forced labour along a demand
curve of constant elasticity: at price ``p`` it buys ``D (p / p_ref) ** -elasticity`` victims, where
``D`` (``ctx.demand``) is what it buys at the reference price ``p_ref``; ``D`` moves with civilian
demand, troops times patronage and demand-side measures. The price that clears the market for the
``Q`` victims held there is ``p_ref (Q / D) ** (-1 / elasticity)``, within
[``price_min_ratio``, ``price_max_ratio``] times ``p_ref``; each month the price moves a share
``price_adjustment`` of the way (in logs) from last month's towards it. A glut lowers the price, a
shortage raises it, and a demand-side measure lowers it at the same supply.

Supply decisions. Gangs are price takers. They plan on the price expected once the victims already on
their way have arrived (the clearing price of the victims held and in transit, adjusted the same way),
so that a wave of recruits lowers the price gangs plan on before it reaches the market. A victim
brought to destination ``d`` for exploitation of type ``t`` is worth, at the expected price and the
month's risks,

    value = (1 - p_stop) (worth x price - upkeep) / (1 - (1 - h)(1 - r))

(the discounted months of exploitation: ``h`` is the monthly hazard of leaving exploitation there,
by death, raid, escape or release, ``r`` the gangs' discount rate, ``p_stop`` the chance of being
stopped at the border), and costs the recruiter's fee, transport and the expected penalty: the arrests
the victim brings (at the border or in a raid) times the chance of prosecution and conviction, the
sentence and what a gang counts as the loss of a member-year in prison. ``margin = value - cost``.
``worth`` is what the recruit earns for their sex and age as a share of the price
(``sim.processes.exploitation.worth``); the margins below are of the reference victim (worth 1), and
``recruit_terms`` gives the parts from which recruitment prices each person.
Gangs make deceptive offers only where the person's margin is positive, hire recruiters while the
margin their recruiters bring exceeds their wage, move routes towards higher margins and enter where a
new gang is expected to pay. Enforcement therefore acts three ways: it frees victims (rescue), lowers
margins (deterrence) and moves effort to other destinations (displacement).

Contraband (drugs, arms) travels the same routes: the border police of a gang's country seize a month's
contraband on a route with probability ``contraband_interdiction`` x ``p_stop``, and a destination's
raids what gets through with ``contraband_interdiction`` x its raid hazard (``Market.seized_share``); a
route brings ``contraband_per_route`` x (1 - the share seized) a month, so enforcement lowers what a
route is worth in victims and in contraband alike.
"""

from __future__ import annotations

import numpy as np

from sim.processes.courts import drop_probability


class Market:
    """Prices and expected margins of the markets for victims, [destination, SEXUAL/LABOUR]."""

    def __init__(self, scenario, residents: list[float] | None = None):
        params = scenario.market
        self.scenario = scenario
        # the countries' weights in the margin gangs plan on (their residents at the start)
        w = np.asarray(residents if residents is not None else [1.0], dtype=np.float64)
        self.weights = w / w.sum()
        self.elasticity = np.array([params.elasticity_sexual, params.elasticity_labour])
        self.upkeep = np.array([params.upkeep_sexual, params.upkeep_labour])
        self.transport = np.array([d.transport_cost for d in scenario.destinations.values()])
        self.enforcement = np.array([d.enforcement for d in scenario.destinations.values()])
        self.price: np.ndarray | None = None  # set by the first ``update``
        self.expected: np.ndarray | None = None  # the price gangs plan on
        self.margin = np.zeros((len(scenario.destinations), 2))
        self.value = np.zeros_like(self.margin)
        self.penalty = 0.0
        self.contraband_per_route = scenario.gangs.contraband_per_route  # gross, USD/month

    # -- the month's risks, shared by the rules that act on them -----------------------------------
    def raid_hazard(self, model, ctx) -> np.ndarray:
        """[destination] monthly probability that a raid frees a victim of an unprotected gang."""
        police = self.scenario.police
        eff = np.array([u.effectiveness(ctx) for u in model.dest_units])
        return np.minimum(1.0, eff * self.enforcement * police.raid_rate)

    def stop_probability(self, model) -> np.ndarray:
        """[country] probability that a country's border police stop a victim of an unprotected gang in a
        month of transit."""
        eff = np.array([country.border.effectiveness(country.ctx) for country in model.countries])
        return np.minimum(1.0, self.scenario.transit.interdiction_rate * eff)

    def seized_share(self, stop, raid):
        """Share of a month's contraband on a route that is seized: at the border with probability
        ``contraband_interdiction`` x ``stop`` (the chance a victim in transit is stopped there), and of the
        rest at the destination with ``contraband_interdiction`` x ``raid`` (its monthly raid hazard), each
        at most 1."""
        ratio = self.scenario.gangs.contraband_interdiction
        at_border = np.minimum(1.0, ratio * np.asarray(stop))
        return at_border + (1 - at_border) * np.minimum(1.0, ratio * np.asarray(raid))

    def penalty_per_arrest(self, ctx, unit, court) -> float:
        """Expected cost to a gang of one member arrested by ``unit`` (in its context ``ctx``, under its
        law) and tried by ``court``: prosecution x the case not dropped x conviction x sentence."""
        law, params = unit.police, self.scenario.market
        p_pros = min(1.0, law.prosecution_rate + ctx.prosecution_add)
        p_conv = min(1.0, law.conviction_rate + ctx.conviction_add)
        p_drop = drop_probability(law.corrupt_drop, unit.integrity_now(ctx), court.integrity_now(ctx))
        return p_pros * (1 - p_drop) * p_conv * (law.sentence_years + ctx.sentence_add) * params.prison_cost

    def clearing_price(self, held: np.ndarray, ctx) -> np.ndarray:
        """The price at which each market buys ``held`` victims (real persons), within its bounds."""
        params = self.scenario.market
        ref = ctx.price
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(ctx.demand > 0, np.maximum(held, 0.0) / ctx.demand, np.inf)
            p = ref * np.power(ratio, -1.0 / self.elasticity)
        low, high = ref * params.price_min_ratio, ref * params.price_max_ratio
        return np.clip(np.nan_to_num(p, nan=0.0, posinf=high), low, high)

    # -- the month ---------------------------------------------------------------------------------
    def update(self, model, ctx) -> None:
        """This month's prices (from last month's victims held) and expected margins."""
        scenario = self.scenario
        params, police, exploitation = scenario.market, scenario.police, scenario.exploitation
        exploited, in_transit = model.state.victims_exploited, model.state.victims_in_transit  # last month's census
        self.price = self._adjust(self.price, self.clearing_price(exploited, ctx))
        arriving = exploited + in_transit
        self.expected = self._adjust(self.expected, self.clearing_price(arriving, ctx))
        self.raid = self.raid_hazard(model, ctx)
        self.p_stop = self.stop_probability(model)  # [country]
        # contraband of unprotected gangs: the shares seized at each border [country] and of what gets through at
        # each destination [destination], and what a route brings a month to a gang based in each country
        # [country, destination] (USD)
        self.contraband_stop = self.seized_share(self.p_stop, 0.0)
        self.contraband_raid = self.seized_share(0.0, self.raid)
        self.contraband = self.contraband_per_route * (1 - self.seized_share(self.p_stop[:, None], self.raid[None]))
        hazard = (
            exploitation.excess_mortality + self.raid + exploitation.escape_rate + exploitation.release_rate
        )  # [destination]
        months = 1.0 / (1.0 - (1.0 - np.minimum(1.0, hazard)) * (1.0 - params.discount_rate))
        stop = self.p_stop[:, None, None]
        # [country, destination, type]: a victim from each country crosses its own border, under its law
        self.country_income = (1 - stop) * self.expected[None] * months[None, :, None]
        self.country_upkeep = (
            (1 - stop) * np.broadcast_to(self.upkeep, self.expected.shape)[None] * months[None, :, None]
        )
        values = self.country_income - self.country_upkeep
        # arrests a victim brings: stopped at the border, or freed by a raid before leaving otherwise
        p_rescue = (1 - self.p_stop[:, None]) * np.where(hazard > 0, self.raid / np.maximum(hazard, 1e-12), 0.0)
        self.penalty_by_unit = np.array(
            [self.penalty_per_arrest(model.ctx_of(u), u, model.courts.court_of(u)) for u in model.units]
        )  # [unit]
        pen_border = self.penalty_by_unit[[country.border.uix for country in model.countries]]
        pen_dest = self.penalty_by_unit[[u.uix for u in model.dest_units]]
        at_border = self.p_stop[:, None] * pen_border[:, None]
        in_raids = p_rescue * pen_dest[None]
        # each country's law
        per_rescue = np.array([country.border.police.arrests_per_rescue for country in model.countries])[:, None]
        same = per_rescue == police.arrests_per_rescue  # (the one sum when the laws agree, as in a run of one country)
        penalty = np.where(same, police.arrests_per_rescue * (at_border + in_raids),
                           per_rescue * at_border + police.arrests_per_rescue * in_raids)  # fmt: skip
        cost = scenario.recruitment.fee_per_recruit + self.transport[None] + penalty  # [country, destination]
        self.country_cost = cost
        self.country_value = values
        self.country_margin = values - cost[:, :, None]
        # what gangs plan on where the country does not matter: the mean over countries, by residents
        self.value = np.tensordot(self.weights, values, axes=1)
        self.margin = np.tensordot(self.weights, self.country_margin, axes=1)
        self.penalty = self.weights @ penalty  # [destination]

    def recruit_terms(self, country: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """What a recruit from ``country`` brings a gang: the expected discounted revenue of the reference
        victim [destination, type] (a recruit earns a share of it: ``sim.processes.exploitation.worth``), the
        upkeep [destination, type] and the cost [destination] (fee, transport, expected penalty), in USD."""
        return self.country_income[country], self.country_upkeep[country], self.country_cost[country]

    def _adjust(self, last: np.ndarray | None, target: np.ndarray) -> np.ndarray:
        """Move ``last`` a share ``price_adjustment`` of the way towards ``target``, in logs."""
        if last is None:
            return target
        lam = self.scenario.market.price_adjustment
        return np.exp((1 - lam) * np.log(np.maximum(last, 1e-9)) + lam * np.log(np.maximum(target, 1e-9)))

    def best_margin(self, routes=None) -> float:
        """The highest margin over the destinations ``routes`` (all when None) and both types."""
        m = self.margin if routes is None else self.margin[routes]
        return float(m.max()) if m.size else 0.0
