"""The month's processes, one module each: labour, migration, recruitment, transit, exploitation, the market,
gangs, recruiters, police, courts and demography. ``sim.engine.model.MigrationModel.step`` runs them in order.

Calling convention. A process of the persons of one source country is a module function

    step(country, ctx, state, *inputs)

- ``country``: the country whose persons it updates; it reads ``country.pop`` (``sim.core.population``),
  ``country.keys``, ``country.params``, ``country.index`` and ``country.offset`` (its regions among the
  run's), ``country.census`` (``sim.core.state.Census``: last month's census), and adds to the month's
  ``country.counts`` (flows in person-agents). A ``sim.engine.country.Country``, or in a unit test any
  object with those attributes (e.g. a ``types.SimpleNamespace``) around a small hand-built population;
- ``ctx``: the country's context of the month (``sim.core.economy.month_context``; ``ctx.month`` is the
  month);
- ``state``: the run's ``sim.core.state.MonthState``, which it reads (risks, gangs' arrays) and adds to
  (``state.tallies``); a process that reads none of it takes it all the same (``None`` in a test);
- ``inputs``: what else it reads, explicitly: recruitment the month's ``lookers``, the country's
  ``recruiters`` (``recruiters.recruiter_table``) and the ``market``; exploitation the ``market``
  (``sim.processes.market.Market``, or any object with its arrays).

They are ``labour.step``, ``migration.look_abroad`` (returns the lookers), ``recruitment.step``,
``transit.step``, ``exploitation.step``, ``migration.return_or_settle`` and ``demography.step``.

The strategic actors (gangs, recruiters, police units, courts) are Mesa agents that act on the run's
agent sets: their month is a module function ``f(model, ctx)`` or ``f(model)`` (``gangs_step``,
``gang_entry``, ``informal_recruiters``, ``recruiters_step``, ``police_step``; the courts' ``Courts.step(ctx)``),
and they read and write ``model.state``. Their pure helpers take arrays and parts of the state
(``police.expected_loss``, ``PoliceUnit.visibility(state.seen)``).
"""
