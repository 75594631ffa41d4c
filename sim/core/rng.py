"""Counter-based random numbers: one independent draw per (decision, month, person).

Every random decision about a person is a pure function of the run's seed, the decision's name,
the month and the person's id (its slot in the population arrays). A draw therefore does not depend on
how many other persons draw in the same month, so two scenarios run with the same seed share every
draw that their rules do not touch (common random numbers). This is the idea Starsim implements with
one random stream per decision and per agent slot (Cherrington et al., arXiv 2409.02086); here the
draw is a hash (SplitMix64 finaliser), so a rare decision costs only as many draws as persons
concerned, never one per person in the population.

The few strategic agents (recruiters, gangs, police units) and their events (court cases) draw the
same way, keyed by a key that says where the actor comes from (``origin_key``: a gang's the month and
slot of its founding, a recruiter's its gang's key and hire number, a case's its unit, month and
number), never by a counter over the run (``actor_uniforms``, ``actor_poisson``, ``actor_binomial``).
One more actor in one scenario then changes no other actor's draws. Which recruiter reaches a person is
a keyed choice of the person among the region's recruiters (``rendezvous``), so that one more recruiter
takes contacts only from its own share.
"""

from __future__ import annotations

import math
import zlib

import numba as nb
import numpy as np

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30 = np.uint64(30)
_S27 = np.uint64(27)
_S31 = np.uint64(31)
_S11 = np.uint64(11)
_TO_UNIT = 1.0 / 9007199254740992.0  # 2**-53


@nb.njit(inline="always", cache=True)
def _mix(z):
    z = (z ^ (z >> _S30)) * _M1
    z = (z ^ (z >> _S27)) * _M2
    return z ^ (z >> _S31)


@nb.njit(inline="always", cache=True)
def month_key(key, month):
    """The key of decision ``key`` in ``month``: draw with ``u01_at(month_key(key, month), uid)``.

    Kernels compute it once per month (or choose between two per person without a branch).
    """
    return _mix(np.uint64(key) + _GOLDEN * np.uint64(month + 1))


@nb.njit(inline="always", cache=True)
def bits53(mkey, uid):
    """The draw of person ``uid`` under the month key ``mkey`` as an integer in [0, 2**53).

    ``u01_at`` is this integer times 2**-53, so ``u01_at(mkey, uid) < p`` exactly when
    ``bits53(mkey, uid) < threshold(p)``: passes compare integers where that lets the compiler use
    vector instructions.
    """
    return np.int64(_mix(mkey ^ (np.uint64(uid) * _GOLDEN)) >> _S11)


@nb.njit(inline="always", cache=True)
def u01_at(mkey, uid):
    """Uniform draw in [0, 1) for person ``uid`` under the month key ``mkey`` (see ``month_key``)."""
    return np.float64(bits53(mkey, uid)) * _TO_UNIT


def threshold(p: float) -> int:
    """The integer threshold for ``bits53``: the smallest T with ``u < p`` iff ``bits53 < T``
    (p clipped to [0, 1]; a missing probability, NaN, gives the largest threshold)."""
    p = float(p)
    return 2**53 if math.isnan(p) else math.ceil(min(max(p, 0.0), 1.0) * 2.0**53)


@nb.njit(inline="always", cache=True)
def u01(key, month, uid):
    """Uniform draw in [0, 1) for decision ``key`` in ``month`` for person ``uid``."""
    return u01_at(month_key(key, month), uid)


@nb.njit(cache=True)
def uniforms(key, month, uids):
    """Uniform draws for the persons ``uids`` (array) in one decision and month."""
    out = np.empty(uids.shape[0], dtype=np.float64)
    for i in range(uids.shape[0]):
        out[i] = u01(key, month, uids[i])
    return out


def _mix_int(z: int) -> int:
    """The SplitMix64 finaliser on a Python int (same as ``_mix``)."""
    mask = (1 << 64) - 1
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & mask
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & mask
    return z ^ (z >> 31)


def decision_key(seed: int, name: str) -> np.uint64:
    """The key of a named decision (e.g. ``"labour.job_loss"``) in a run with ``seed``."""
    return np.uint64(_mix_int((int(seed) & 0xFFFFFFFF) << 32 | zlib.crc32(name.encode())))


_KEY_MASK = (1 << 63) - 1  # keys are non-negative int64


def origin_key(*parts: int | str) -> int:
    """The key of an actor or event from where it comes from: a hash of its origin's ``parts`` (ints, such
    as a parent's key, a month or a slot, and names), a non-negative int64 (e.g. ``origin_key("gang", 36, 2)``
    for the third gang founded in month 36, ``origin_key(gang_key, "hire", 5)`` for its sixth hire)."""
    z = 0x5EED
    for part in parts:
        value = zlib.crc32(part.encode()) if isinstance(part, str) else int(part) & ((1 << 64) - 1)
        z = _mix_int((z ^ value) + 0x9E3779B97F4A7C15 & ((1 << 64) - 1))
    return z & _KEY_MASK


class Keys:
    """Decision keys of one run, created on first use: ``keys["transit.interdiction"]``.

    The persons of each source country in a run of several draw under their country's ``prefix``
    (``"moldova/"``): a person's id is its slot in its country's arrays, and the decision names it.
    """

    def __init__(self, seed: int, prefix: str = ""):
        self.seed = int(seed)
        self.prefix = prefix
        self._keys: dict[str, np.uint64] = {}

    def __getitem__(self, name: str) -> np.uint64:
        key = self._keys.get(name)
        if key is None:
            key = self._keys[name] = decision_key(self.seed, self.prefix + name)
        return key

    def draw(self, name: str, month: int, uids: np.ndarray) -> np.ndarray:
        """Uniform draws in [0, 1) for ``uids`` in decision ``name`` and ``month``."""
        return uniforms(self[name], month, uids.astype(np.int64, copy=False))


# ---------------------------------------------------------------------------------------------------
# Keyed draws of the strategic actors: a draw is a function of (seed, decision, month, actor id), as
# for persons, so that two paired scenarios give each actor the same draws until their rules differ.


def actor_uniforms(keys: Keys, name: str, month: int, ids) -> np.ndarray:
    """Uniform draws in [0, 1) for the actors ``ids`` in decision ``name`` and ``month``."""
    return keys.draw(name, month, np.atleast_1d(np.asarray(ids, dtype=np.int64)))


def actor_poisson(keys: Keys, name: str, month: int, ids, lam) -> np.ndarray:
    """Poisson counts with means ``lam`` by inversion of keyed uniforms (one per actor)."""
    from scipy.stats import poisson

    u = actor_uniforms(keys, name, month, ids)
    lam = np.broadcast_to(np.asarray(lam, dtype=np.float64), u.shape)
    return np.where(lam > 0, poisson.ppf(u, np.maximum(lam, 1e-300)), 0).astype(np.int64)


def actor_binomial(keys: Keys, name: str, month: int, ids, n, p) -> np.ndarray:
    """Binomial counts of ``n`` trials with probability ``p`` by inversion of keyed uniforms."""
    from scipy.stats import binom

    u = actor_uniforms(keys, name, month, ids)
    n = np.broadcast_to(np.asarray(n, dtype=np.int64), u.shape)
    p = np.broadcast_to(np.clip(np.asarray(p, dtype=np.float64), 0.0, 1.0), u.shape)
    return np.where((n > 0) & (p > 0), binom.ppf(u, n, p), 0).astype(np.int64)


@nb.njit(cache=True)
def _rendezvous(mkey, uids, group, starts, actor_keys, weights):
    out = np.full(uids.shape[0], -1, dtype=np.int64)
    for i in range(uids.shape[0]):
        g = group[i]
        base = _mix(mkey ^ (np.uint64(uids[i]) * _GOLDEN))
        best = np.inf
        for j in range(starts[g], starts[g + 1]):
            if weights[j] <= 0:
                continue
            u = (np.float64(np.int64(_mix(base ^ np.uint64(actor_keys[j])) >> _S11)) + 0.5) * _TO_UNIT
            score = -math.log(u) / weights[j]  # exponential race: the smallest wins with probability w / sum(w)
            if score < best:
                best, out[i] = score, j
    return out


def rendezvous(keys: Keys, name: str, month: int, uids: np.ndarray, group: np.ndarray, actor_group: np.ndarray,
               actor_keys: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """For each person ``uids[i]`` of ``group[i]`` (e.g. a region), the index of the actor of the same group
    it meets this month, chosen with probability proportional to ``weights`` among them (-1 if none has a
    positive weight): weighted rendezvous (highest-random-weight) hashing, each (person, actor) pair's draw
    keyed by (seed, decision, month, person, actor key). One more actor changes a person's choice only when
    the new actor wins it, so it takes contacts only from its own share, and the others keep theirs.
    """
    if actor_keys.size == 0:
        return np.full(uids.shape[0], -1, dtype=np.int64)
    order = np.argsort(actor_group, kind="stable")
    n_groups = int(max(group.max(initial=-1), actor_group.max(initial=-1))) + 1
    starts = np.concatenate([[0], np.cumsum(np.bincount(actor_group, minlength=n_groups))]).astype(np.int64)
    chosen = _rendezvous(
        np.uint64(month_key(keys[name], month)), uids.astype(np.int64, copy=False), group.astype(np.int64, copy=False), starts,
        actor_keys[order].astype(np.int64), weights[order].astype(np.float64),
    )  # fmt: skip
    return np.where(chosen >= 0, order[np.maximum(chosen, 0)], -1)
