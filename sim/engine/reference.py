"""The reference engine: every person a Mesa ``Agent`` with its own ``step()``, the rules written out.

This is the model as a student would first write it with Mesa, and it is meant to be read: each rule
a person follows is one short method of ``PersonAgent``, in the words of docs/ODD.md. It runs the same
scenario, month schedule, recruiters, gangs, police units, economy, interventions and recording as
the vectorised engine (``sim.engine.model.MigrationModel``), and starts from the same state at the start; only
the persons' rules are restated, one agent at a time, with the model's ``random`` (Mesa's own random
stream) instead of the counter-based draws of ``sim.core.rng``. The two engines therefore agree in law, not
draw for draw; ``tests/test_docking.py`` checks that they do (docking, Axtell et al. 1996).

It is also the yardstick for speed (``sim bench --reference``): a person here is a Python object of
several hundred bytes updated by interpreted code, against 27 bytes and compiled passes in the
vectorised engine.

Schedule of a month (the numbers of ``sim.engine.model``):

 2-3  ``persons.shuffle_do("step")``: at home, work and the labour market, then perhaps look abroad
 4    ``_recruit``: lookers leave on their own or meet a recruiter; offers; legal permits; departures
 5    persons in transit travel; the border may stop them
 6    persons in exploitation are exploited; they may die, be rescued, escape or be released
 7-8  gangs and police units (the same agents as in the vectorised engine)
 9    migrants abroad return, settle or are deported
 10   lifetimes drawn again if the year's life table changed; ``persons.do("end_month")``: death by the
      life table, births
 11   the month is recorded
"""

from __future__ import annotations

import math

import mesa
import numpy as np
from mesa.agentset import AgentSet

from sim.core.economy import LABOUR, SEXUAL
from sim.core.population import (
    ACTIVE,
    CIRCULAR,
    FEMALE,
    FIELDS,
    FORMER_VICTIM,
    IDENTIFIED,
    SEXUAL_BOUND,
    LabourAges,
    Population,
    Status,
)
from sim.engine.model import MigrationModel
from sim.engine.recording import record
from sim.processes.demography import fertility_by_age
from sim.processes.exploitation import tally_victims
from sim.processes.gangs import gang_arrays, month_risks
from sim.processes.labour import job_rates
from sim.processes.recruiters import Recruiter
from sim.processes.recruitment import INFORMAL, LICENSED, tally_recruits
from sim.scenario import Scenario, ScenarioError
from sim.scenario.units import MONTHS_PER_YEAR

# statuses as plain ints (the rules compare them millions of times)
EMPLOYED, UNEMPLOYED, INACTIVE = int(Status.EMPLOYED), int(Status.UNEMPLOYED), int(Status.INACTIVE)
TRANSIT, ABROAD_LEGAL, ABROAD_IRREGULAR = int(Status.TRANSIT), int(Status.ABROAD_LEGAL), int(Status.ABROAD_IRREGULAR)
SEXUAL_EXPLOITATION, FORCED_LABOUR = int(Status.SEXUAL), int(Status.LABOUR)


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


class PersonAgent(mesa.Agent):
    """One resident of the source country, at home or abroad. Attributes are those of ``sim.core.population``."""

    def __init__(self, model: ReferenceModel, **attributes):
        super().__init__(model)
        self.birth: int = 0  # month index of birth
        self.death: int = 0  # month index of death, drawn from the life table on entering the model
        self.sex: int = 0  # 1 female
        self.edu: int = 0  # 0 primary, 1 secondary, 2 tertiary
        self.region: int = 0
        self.status: int = INACTIVE
        self.since: int = 0  # month the current status began
        self.dest: int = -1  # destination, -1 at home
        self.ties: int = 0  # close ties abroad
        self.awareness: float = 0.0  # of trafficking risk
        self.risk: float = 0.0  # risk tolerance
        self.debt: float = 0.0  # owed to the exploiter
        self.gang: int = -1  # id of the gang that holds the person
        self.active = False  # in the labour force when of working age
        self.former_victim = False
        self.identified = False  # as a victim, by police or services
        self.circular = False  # short-term migrant
        self.sexual_bound = False  # in transit towards sexual exploitation
        for name, value in attributes.items():
            setattr(self, name, value)

    @property
    def at_home(self) -> bool:
        return self.status <= INACTIVE

    # -- 2-3: the month at home ---------------------------------------------------------------------
    def step(self) -> None:
        """At home: work (the labour market), then perhaps look for work abroad."""
        if self.status > INACTIVE:
            return
        model = self.model
        self.work(model.month, model.job_loss, model.job_finding)
        if model.params.migration.enabled and self.looks_abroad(model.month, model.log_gain, model.p_tie):
            model.lookers.append(self)

    def work(self, month: int, job_loss: np.ndarray, job_finding: np.ndarray) -> None:
        """Enter the labour force at the working age (if active), leave it at the pension age of one's sex;
        lose or find a job at this month's rates."""
        age, ages = month - self.birth, self.model.ages
        if age < ages.work:
            return
        if age >= ages.pension[self.sex]:
            if self.status != INACTIVE:
                self.become(INACTIVE, month)
        elif self.status == INACTIVE:
            if self.active:
                self.become(UNEMPLOYED, month)
        elif self.status == EMPLOYED:
            youth = 1 if age < ages.youth else 0
            if self.random.random() < job_loss[self.region, youth]:
                self.become(UNEMPLOYED, month)
        elif self.random.random() < job_finding[self.edu]:
            self.become(EMPLOYED, month)

    def looks_abroad(self, month: int, log_gain: np.ndarray, p_tie: np.ndarray) -> bool:
        """Gain ties as neighbours emigrate; look abroad by a logit of gain, unemployment, age, sex, education, ties."""
        mp = self.model.params.migration
        if self.ties < 255 and self.random.random() < p_tie[self.region]:
            self.ties += 1
        years = (month - self.birth) / MONTHS_PER_YEAR
        if not mp.min_age <= years < mp.max_age + 1:
            return False
        x = mp.intercept + mp.wage_gain * log_gain[self.region] + mp.age_decade * (years - mp.reference_age) / 10
        x += mp.risk_tolerance * self.risk
        if self.status == UNEMPLOYED:
            months_unemployed = min(month - self.since, int(mp.desperation_cap_years * MONTHS_PER_YEAR))
            x += mp.unemployed + mp.unemployment_years * months_unemployed / MONTHS_PER_YEAR
        if self.sex == FEMALE:
            x += mp.female
        x += (0.0, mp.secondary, mp.tertiary)[self.edu]
        if self.ties > 0:
            x += mp.ties
        return self.random.random() < sigmoid(x)

    # -- 4: the person's side of recruitment --------------------------------------------------------
    def has_network_route(self) -> bool:
        """A looker with ties abroad can likely leave irregularly through their network; others rarely can."""
        mp = self.model.params.migration
        return self.random.random() < (mp.self_departure_with_ties if self.ties > 0 else mp.self_departure_without_ties)

    def worth(self, etype: int) -> float:
        """What this person would earn a gang in exploitation of kind ``etype``, as a share of the price: full
        to the kind's prime age, nothing from its end age; less for a man in sexual exploitation and a woman
        in forced labour."""
        rules = self.model.params.exploitation
        age = (self.model.month - self.birth) / MONTHS_PER_YEAR
        if etype == SEXUAL:
            prime, end = rules.sexual_prime_age, rules.sexual_end_age
            by_sex = 1.0 if self.sex == FEMALE else rules.sexual_worth_men
        else:
            prime, end = rules.labour_prime_age, rules.labour_end_age
            by_sex = rules.labour_worth_women if self.sex == FEMALE else 1.0
        return by_sex * min(1.0, max(0.0, (end - age) / (end - prime)))

    def option_value(self, option: str, dest: int, ctx, recruiter: Recruiter | None = None) -> float:
        """The value of leaving by ``option`` for ``dest``, in log-odds against staying: the (promised) wage
        gain and desperation, and the option's own term (one's own means, a legal job, or for a deceptive
        offer the premium, perceived risk against, risk tolerance and former victims' vulnerability for)."""
        rp, month = self.model.params.recruitment, self.model.month
        years_unemployed = 0.0
        if self.status == UNEMPLOYED:
            cap_months = self.model.params.migration.desperation_cap_years * MONTHS_PER_YEAR
            years_unemployed = min(month - self.since, cap_months) / MONTHS_PER_YEAR
        x = rp.intercept + rp.wage_gain * math.log(ctx.dest_wage[dest] / ctx.home_wage[self.region])
        x += rp.desperation * years_unemployed
        if option in ("own_legal", "own_irregular"):
            x += rp.own_preference
        if option in ("own_legal", "agency"):
            x += rp.legal_preference
        if option == "deceptive":
            trust = 1 - rp.informal_trust if recruiter.kind == INFORMAL else 1.0
            risk_seen = (self.awareness + ctx.awareness_boost[self.region]) * trust
            protected = ctx.protection if self.identified else 0.0
            x += rp.wage_gain * math.log(rp.promise_premium) - rp.perceived_risk * risk_seen
            x += rp.risk_tolerance * self.risk + rp.retrafficking * self.former_victim * (1 - protected)
        return x

    def choose(self, options: list[tuple[str, int, Recruiter | None, int | None]], ctx):
        """One of ``options`` (option, destination, recruiter, kind of exploitation) or None to stay: each with
        probability e^value / (1 + the sum of e^value) (a multinomial logit)."""
        if not options:
            return None
        weights = [1.0] + [math.exp(self.option_value(o, d, ctx, r)) for o, d, r, _ in options]
        pick = self.random.choices(range(len(weights)), weights)[0]
        return None if pick == 0 else options[pick - 1]

    def leave(self, status: int, dest: int) -> None:
        """Leave home for ``dest``; a share of migrants are short-term (circular)."""
        self.become(status, self.model.month)
        self.dest = dest
        self.circular = self.random.random() < self.model.params.migration.circular_share

    # -- 5-6: transit and exploitation ----------------------------------------------------------------
    def travel(self, p_stop: float) -> str | None:
        """In transit: stopped at the border (``"stopped"``), or arrive after ``transit.months``."""
        if self.random.random() < p_stop:
            self.identified = True
            self.come_home()
            return "stopped"
        month = self.model.month
        if month - self.since >= self.model.params.transit.months:
            self.become(SEXUAL_EXPLOITATION if self.sexual_bound else FORCED_LABOUR, month)
        return None

    def endure(self, p_raid: float) -> str | None:
        """A month in exploitation: work off debt; then die, be rescued, escape, be released, or stay."""
        rules = self.model.params.exploitation
        self.debt = max(0.0, self.debt - rules.debt_repayment)
        if not self.model.state.gangs.active[self.gang]:
            p_release = 1.0  # the gang was broken up
        else:
            p_release = rules.release_rate + rules.release_debt_paid * (self.debt <= 0)
        exits = (
            ("died", rules.excess_mortality), ("rescued", p_raid), ("escaped", rules.escape_rate),
            ("released", p_release),
        )  # fmt: skip
        total = max(1.0, sum(p for _, p in exits))  # rates above 1 in total: scaled down
        self.raid_chance = p_raid / total  # what the police's arrests follow
        u = self.random.random() * total
        for how, p in exits:
            if u < p:
                return how
            u -= p
        return None

    def freed(self, rescued: bool, ctx) -> tuple[bool, bool]:
        """Out of exploitation: identified (always when rescued, else by services) and home, or stay
        abroad irregularly. Returns (identified now, came home)."""
        rules = self.model.params.exploitation
        self.former_victim = True
        seen = rescued or self.random.random() < min(1.0, rules.identify_escaped + ctx.identification_add)
        self.identified |= seen
        p_home = rules.return_after_rescue if rescued else rules.return_after_exit
        if self.random.random() < min(1.0, p_home + ctx.return_support):
            self.come_home()
            self.awareness = max(self.awareness, rules.returnee_awareness)
            return seen, True
        self.become(ABROAD_IRREGULAR, self.model.month)
        self.gang = -1
        return seen, False

    # -- 9: migrants abroad ---------------------------------------------------------------------------
    def returns_home(self) -> bool:
        """Circular migrants return fast, others slowly; irregular ones may also be deported."""
        mp = self.model.params.migration
        rate = mp.circular_return_rate if self.circular else mp.settled_return_rate
        if self.status == ABROAD_IRREGULAR:
            rate += self.model.deportation_rate[self.dest]
        if self.random.random() < rate:
            self.come_home()
            return True
        return False

    # -- 10: end of the month -------------------------------------------------------------------------
    def end_month(self) -> None:
        """Die when the month of death comes; a woman at home of fertile age may give birth."""
        model, month = self.model, self.model.month
        if self.death <= month:
            model.country.counts["deaths_home" if self.at_home else "deaths_abroad"] += 1
            model.abroad.discard(self)
            self.remove()
        elif (
            self.sex == FEMALE
            and self.at_home
            and self.random.random() < model.fertility[(month - self.birth) // MONTHS_PER_YEAR]
        ):
            model.country.counts["births"] += 1
            self.give_birth(month)

    def give_birth(self, month: int) -> PersonAgent:
        """A child at home in the mother's region, with her ties abroad and traits of its own."""
        model, rng = self.model, self.random
        pp, dp = model.params.population, model.params.demography
        u = rng.random()
        edu = 2 if u < pp.tertiary_share else (1 if u < pp.tertiary_share + pp.secondary_share else 0)
        sex = 1 if rng.random() >= dp.male_birth_share else 0
        c = pp.trait_concentration
        child = PersonAgent(
            model, birth=month, sex=sex, edu=edu, region=self.region, status=INACTIVE, since=month,
            ties=self.ties, awareness=rng.betavariate(pp.awareness_mean * c, (1 - pp.awareness_mean) * c),
            risk=rng.betavariate(pp.risk_tolerance_mean * c, (1 - pp.risk_tolerance_mean) * c),
            active=rng.random() < pp.participation_rate,
        )  # fmt: skip
        child.death = model.lifetime(child)
        return child

    # -- changes of state -------------------------------------------------------------------------------
    def become(self, status: int, month: int) -> None:
        self.status = status
        self.since = month

    def come_home(self) -> None:
        """Back home: into the labour force (unemployed) if active and of working age."""
        month = self.model.month
        age, ages = month - self.birth, self.model.ages
        working = self.active and ages.work <= age < ages.pension[self.sex]
        self.become(UNEMPLOYED if working else INACTIVE, month)
        self.dest, self.gang, self.debt = -1, -1, 0.0
        self.model.abroad.discard(self)


class ReferenceModel(MigrationModel):
    """``MigrationModel`` with its persons as ``PersonAgent`` objects in an AgentSet.

    It starts from the vectorised engine's state at the start (population, recruiters, gangs, police units,
    victims, prices and court cases after the burn-in, ``MigrationModel.burn_in``) for the same seed, then
    turns each person into an agent. The burn-in is part of that start: it runs the vectorised month, whose
    actors' part (``actors_month``) is this engine's too, and its persons' rules, which this engine restates,
    are docked over the reported months. So a seed's runs of both engines start from one state and pair
    (``tests/test_docking.py``), and the burn-in does not cost months of the slow engine.
    """

    def __init__(self, scenario: Scenario, seed: int | None = None):
        if scenario.countries:
            raise ScenarioError([f"{scenario.name}: --engine: the reference engine runs a scenario of one source "
                                 "country; this one has several (use the vectorised engine)"])  # fmt: skip
        super().__init__(scenario, seed)
        self.country = self.countries[0]
        params = self.params
        self.ages = LabourAges(params.economy)
        self.fertility = fertility_by_age(params, 1)
        self.deportation_rate = np.array([d.deportation_rate for d in params.destinations.values()])
        self.abroad = AgentSet([], random=self.random)  # persons abroad or in transit
        self._persons_from(self.country.pop)
        self.lookers: list[PersonAgent] = []

    def _persons_from(self, pop: Population) -> None:
        columns = {name: getattr(pop, name)[: pop.n].tolist() for name in FIELDS}
        flags = columns.pop("flags")
        for i, f in enumerate(flags):
            person = PersonAgent(
                self, **{name: values[i] for name, values in columns.items()},
                active=bool(f & ACTIVE), former_victim=bool(f & FORMER_VICTIM), identified=bool(f & IDENTIFIED),
                circular=bool(f & CIRCULAR), sexual_bound=bool(f & SEXUAL_BOUND),
            )  # fmt: skip
            if not person.at_home:
                self.abroad.add(person)

    @property
    def persons(self) -> AgentSet:
        return self.agents_of(PersonAgent)

    def lifetime(self, person: PersonAgent) -> int:
        """Month of death of a person entering the model now, from the life table."""
        u = np.array([self.random.random()])
        birth, sex = np.array([person.birth]), np.array([person.sex])
        return int(self.country.life.draw_death_month(birth, sex, self.month, u)[0])

    def _redraw_lifetimes(self) -> None:
        """The life table changed: every person's month of death is drawn again, given their age."""
        persons = list(self.persons)
        u = np.array([self.random.random() for _ in persons])
        birth, sex = np.array([p.birth for p in persons]), np.array([p.sex for p in persons])
        for person, death in zip(persons, self.country.life.draw_death_month(birth, sex, self.month, u).tolist()):
            person.death = death

    # -- the month ----------------------------------------------------------------------------------
    def step(self) -> None:
        """One month, in the order of ``MigrationModel.step``, with the persons as agents."""
        state, market, country = self.state, self.market, self.country
        ctx = self.begin_month()  # 1
        counts = country.counts  # the month's, zeroed by begin_month
        state.gangs = gang_arrays(self)  # 1
        market.update(self, ctx)  # 1
        state.risks = month_risks(self)  # 1
        state.tallies = self.zero_tallies()  # 1
        self.job_loss, self.job_finding = job_rates(self.params.economy, ctx.u_target, country.census.labour)
        census = country.census
        self.log_gain, self.p_tie = country.migration.month_terms(ctx, census.emigrants, census.residents)
        self.lookers = []
        self.persons.shuffle_do("step")  # 2-3
        self._recruit(ctx, counts)  # 4
        self._transit(ctx, counts)  # 5
        self._exploitation(ctx, counts)  # 6
        self.actors_month(ctx)  # 7-8
        for person in self._abroad_with(ABROAD_LEGAL, ABROAD_IRREGULAR):  # 9
            counts["returns"] += person.returns_home()
        self.fertility = fertility_by_age(self.params, self.month)  # 10
        if country.life.changes(self.month):
            self._redraw_lifetimes()
        self.persons.do("end_month")
        country.pop = self._census_view()
        self.take_census()  # 11
        self.rows.append(record(self))  # 11

    def _abroad_with(self, *statuses: int) -> list[PersonAgent]:
        return [p for p in self.abroad if p.status in statuses]

    # -- 4: recruitment ------------------------------------------------------------------------------
    def _recruit(self, ctx, counts: dict) -> None:
        """Each looker's options: a permit of their own, the network's irregular route, the offer of the
        recruiter who reaches them (a gang's for the destination and kind it chooses for this person);
        permits shared among the applications; the choice; departures."""
        params, rng = self.params, self.random
        rules = params.exploitation
        n_dest = len(params.destinations)
        destinations = range(n_dest)
        types = (SEXUAL, LABOUR)
        weights = [d.migrant_weight for d in params.destinations.values()]
        recruiters = list(self.agents_of(Recruiter))
        for r in recruiters:
            r.recruits = 0.0

        # a looker is reached with probability min(1, reach / residents) in the region, by a recruiter drawn
        # in proportion to reach
        n_regions = len(params.regions)
        in_region = [[r for r in recruiters if r.region == k] for k in range(n_regions)]
        reach = [[r.reach for r in rs] for rs in in_region]
        with np.errstate(divide="ignore", invalid="ignore"):
            residents = self.country.census.residents
            p_contact = np.minimum(1.0, np.array([sum(rs) for rs in reach]) / params.scale / residents)
        income, upkeep, cost = self.market.recruit_terms(0)
        capacity = self.state.gangs.capacity
        lookers = []  # [person, own destination, network route, offer (option, destination, recruiter, type)]
        for person in self.lookers:
            own_dest = rng.choices(destinations, weights)[0]
            network = person.has_network_route()
            offer = None
            r = person.region
            if in_region[r] and rng.random() < p_contact[r]:
                recruiter = rng.choices(in_region[r], reach[r])[0]
                if recruiter.gang is not None:  # the gang's choice for this person, by its margins
                    cells = [(d, t) for d in destinations for t in types]
                    gid = recruiter.gang.gid
                    w = [max(0.0, person.worth(t) * income[d, t] - upkeep[d, t] - cost[d]) * (capacity[gid, d] > 0)
                         for d, t in cells]  # fmt: skip
                    if sum(w) > 0:
                        d, t = rng.choices(cells, w)[0]
                        if rng.random() < capacity[gid, d]:  # the route has a place for the recruit
                            offer = ("deceptive", d, recruiter, t)
                elif recruiter.kind == LICENSED:  # an agency: a legal job where permits exist
                    if ctx.permits.sum() > 0:
                        offer = ("agency", rng.choices(destinations, ctx.permits)[0], recruiter, None)
                else:  # an honest acquaintance helps to go irregularly
                    offer = ("informal", rng.choices(destinations, weights)[0], recruiter, None)
            lookers.append((person, own_dest, network, offer))

        # legal permits: each application to a destination succeeds with probability permits / applications
        apps = np.bincount([own for _, own, _, _ in lookers], minlength=n_dest).astype(float)
        for *_, offer in lookers:
            if offer is not None and offer[0] == "agency":
                apps[offer[1]] += 1
        deceived = []
        for person, own_dest, network, offer in lookers:
            options = []
            if rng.random() < min(1.0, ctx.permits[own_dest] / apps[own_dest]):
                options.append(("own_legal", own_dest, None, None))
            if network:
                options.append(("own_irregular", own_dest, None, None))
            if offer is not None and (
                offer[0] != "agency" or rng.random() < min(1.0, ctx.permits[offer[1]] / apps[offer[1]])
            ):
                options.append(offer)
            chosen = person.choose(options, ctx)
            if chosen is None:
                continue
            option, dest, recruiter, etype = chosen
            if recruiter is not None:
                recruiter.recruits += params.scale
            if option in ("own_legal", "agency"):
                self._depart(person, ABROAD_LEGAL, dest, counts, "emigrants_legal")
            elif option in ("own_irregular", "informal"):
                self._depart(person, ABROAD_IRREGULAR, dest, counts, "emigrants_irregular")
            else:
                deceived.append((person, dest, etype, recruiter))
        for person, dest, etype, recruiter in deceived:
            counts["retrafficked"] += person.former_victim
            counts["trafficked_sexual" if etype == SEXUAL else "trafficked_labour"] += 1
            person.sexual_bound = etype == SEXUAL
            self._depart(person, TRANSIT, dest, counts, "trafficked")
            person.gang = recruiter.gang.gid
            person.debt = rng.uniform(rules.debt_min, rules.debt_max)
        if deceived:
            gangs = np.array([recruiter.gang.gid for _, _, _, recruiter in deceived], dtype=np.int64)
            dests = np.array([dest for _, dest, _, _ in deceived], dtype=np.int64)
            tally_recruits(self.state.tallies, self.market, params.scale, gangs, dests)

    def _depart(self, person: PersonAgent, status: int, dest: int, counts: dict, flow: str) -> None:
        person.leave(status, dest)
        self.abroad.add(person)
        counts[flow] += 1
        counts["_emigrants_tertiary"] += person.edu == 2
        counts["_emigrants_female"] += person.sex == FEMALE
        counts["_emigrants_by_region"][person.region] += 1
        self.country.profiles.add_person(person.sex, self.month - person.birth, person.edu, flow, person.sexual_bound)

    # -- 5-6: transit and exploitation -------------------------------------------------------------
    def _transit(self, ctx, counts: dict) -> None:
        scale, tallies, stop = self.params.scale, self.state.tallies, self.state.risks.stop
        for person in self._abroad_with(TRANSIT):
            gang = person.gang
            tallies.in_transit[gang, 0] += scale
            tallies.expected_interdicted[gang, 0] += stop[gang, 0] * scale
            if person.travel(stop[gang, 0]) == "stopped":
                tallies.returned_victims[gang, person.region] += scale
                counts["interdicted"] += 1
                counts["victims_identified"] += 1
                counts["returns"] += 1

    def _exploitation(self, ctx, counts: dict) -> None:
        """Revenue at the market's prices, then each victim's month and way out."""
        params, tallies = self.params, self.state.tallies
        victims = self._abroad_with(SEXUAL_EXPLOITATION, FORCED_LABOUR)
        if victims:
            tally_victims(
                tallies, self.market, self.country, np.array([v.gang for v in victims], dtype=np.int64),
                np.array([v.dest for v in victims], dtype=np.int64),
                np.array([SEXUAL if v.status == SEXUAL_EXPLOITATION else LABOUR for v in victims], dtype=np.int64),
                np.array([v.worth(SEXUAL if v.status == SEXUAL_EXPLOITATION else LABOUR) for v in victims]),
            )  # fmt: skip
        for v in victims:
            gang = v.gang
            how = v.endure(self.state.risks.raid[gang, v.dest])
            tallies.expected_rescued[gang, v.dest] += v.raid_chance * params.scale
            if how is None:
                continue
            counts["deaths_abroad" if how == "died" else how] += 1
            if how == "died":
                self.abroad.discard(v)
                v.remove()
                continue
            seen, home = v.freed(how == "rescued", ctx)
            counts["victims_identified"] += seen
            counts["returns"] += home
            if home:
                tallies.returned_victims[gang, v.region] += params.scale

    # -- 11: recording -------------------------------------------------------------------------------
    def _census_view(self) -> Population:
        """The living persons as a ``Population`` (arrays), so that the month is recorded as in the
        vectorised engine."""
        persons = list(self.persons)
        pop = Population(len(persons))
        pop.add(len(persons))
        for name in ("status", "birth", "region", "edu", "dest"):
            getattr(pop, name)[:] = [getattr(p, name) for p in persons]
        pop.flags[:] = [SEXUAL_BOUND if p.sexual_bound else 0 for p in persons]
        pop.abroad_ids = np.flatnonzero(pop.status > INACTIVE)
        return pop
