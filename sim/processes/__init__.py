"""The month's processes, one module each: labour, migration, recruitment, transit, exploitation, the market,
gangs, recruiters, police, courts and demography. ``sim.engine.model`` runs them in order."""
