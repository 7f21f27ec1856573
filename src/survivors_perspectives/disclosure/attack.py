"""The attacker's interval for a hidden count, by linear programming.

Everything a book shows about a population is a linear statement about the counts of its
*atoms* (the groups of people who share membership of every set the book counts): a shown
count is an equation, ``"<5"`` is ``1 <= sum <= 4``, a percentage of 62 rounded to a whole
number is ``61.5 * base <= 100 * count <= 62.5 * base``, and every atom is a count of zero
or more. The least and greatest value a hidden count can take under all of these at once is
what an attacker can infer about it; the same calculation tau-Argus and sdcTable run for the
cells of one table ("audit" / interval calculation, Hundepool et al. 2012, section 4.3),
here over any set of linear relations.

HiGHS (through :func:`scipy.optimize.linprog`) solves each bound. The LP relaxation is
rounded inward to whole people; an integer attacker can sometimes do better, so
:func:`intervals` can confirm narrow-looking bounds with the integer program
(:func:`scipy.optimize.milp`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, linprog, milp
from scipy.sparse.csgraph import connected_components

#: Slack for floating-point error before rounding a bound to whole people.
_TOLERANCE = 1e-6

Coefficients = Mapping[int, float]


@dataclass
class LinearSystem:
    """Linear relations ``lo <= sum(c_j * x_j) <= hi`` over ``n`` non-negative unknowns."""

    n: int
    rows: list[dict[int, float]] = field(default_factory=list)
    lo: list[float] = field(default_factory=list)
    hi: list[float] = field(default_factory=list)

    def add(self, coefficients: Coefficients, lo: float, hi: float) -> None:
        """Add ``lo <= coefficients . x <= hi`` (``-inf``/``inf`` for a missing side)."""
        row = {int(j): float(c) for j, c in coefficients.items() if c != 0}
        if not row:
            return
        self.rows.append(row)
        self.lo.append(float(lo))
        self.hi.append(float(hi))

    def matrix(self) -> sparse.csr_array:
        """Return the relations' coefficients as a sparse matrix (one row per relation)."""
        data, indices, indptr = [], [], [0]
        for row in self.rows:
            for j, c in sorted(row.items()):
                indices.append(j)
                data.append(c)
            indptr.append(len(indices))
        return sparse.csr_array(
            (np.array(data, float), np.array(indices, int), np.array(indptr, int)),
            shape=(len(self.rows), self.n),
        )

    def satisfied_by(self, x: Sequence[float]) -> list[int]:
        """Return the relations that the point ``x`` breaks (a check on the ledger)."""
        values = self.matrix() @ np.asarray(x, float) if self.rows else np.array([])
        return [
            i
            for i, v in enumerate(values)
            if v < self.lo[i] - _TOLERANCE * max(1, abs(v))
            or v > self.hi[i] + _TOLERANCE * max(1, abs(v))
        ]


def as_lp(system: LinearSystem):
    """Split the two-sided relations into linprog's inequality and equality blocks."""
    matrix = system.matrix()
    lo, hi = np.array(system.lo), np.array(system.hi)
    eq = lo == hi
    upper = ~eq & np.isfinite(hi)
    lower = ~eq & np.isfinite(lo)
    a_ub = sparse.vstack([matrix[upper], -matrix[lower]]).tocsr()
    b_ub = np.concatenate([hi[upper], -lo[lower]])
    return a_ub, b_ub, matrix[eq].tocsr(), lo[eq]


def components(system: LinearSystem) -> tuple[int, np.ndarray]:
    """Return the number of independent blocks of unknowns and each unknown's block.

    Unknowns that share no relation, directly or through others, can be bounded apart:
    a country's cells, say, when nothing shown spans two countries. Solving blocks apart
    keeps each linear program small.
    """
    if not system.rows:
        return system.n, np.arange(system.n)
    incidence = abs(system.matrix()).astype(bool).astype(float)
    graph = (incidence.T @ incidence).tocsr()
    return connected_components(graph, directed=False)


class _Block:
    """One block's relations, ready for repeated linear programs."""

    def __init__(self, system: LinearSystem, unknowns: np.ndarray, relations: list[int]):
        self.unknowns = unknowns
        local = {int(j): k for k, j in enumerate(unknowns)}
        self.system = LinearSystem(len(unknowns))
        for i in relations:
            self.system.add(
                {local[j]: c for j, c in system.rows[i].items()}, system.lo[i], system.hi[i]
            )
        a_ub, b_ub, a_eq, b_eq = as_lp(self.system)
        self.constraint = LinearConstraint(
            self.system.matrix(), np.array(self.system.lo), np.array(self.system.hi)
        )
        self.kwargs = {
            "A_ub": a_ub if a_ub.shape[0] else None,
            "b_ub": b_ub if a_ub.shape[0] else None,
            "A_eq": a_eq if a_eq.shape[0] else None,
            "b_eq": b_eq if a_eq.shape[0] else None,
            "bounds": (0, None),
            "method": "highs",
        }

    def bounds(self, c: np.ndarray) -> tuple[float, float]:
        low = linprog(c, **self.kwargs)
        if low.status == 2:
            raise ValueError("the relations contradict each other (no count satisfies all)")
        high = linprog(-c, **self.kwargs)
        lo = low.fun
        hi = math.inf if high.status == 3 else -high.fun
        return lo, hi


def intervals(
    system: LinearSystem,
    targets: Sequence[Coefficients],
    *,
    integer_below: float | None = None,
) -> list[tuple[float, float]]:
    """Return, for each target count, the least and greatest value it can take.

    Parameters
    ----------
    system
        Everything known about the unknowns (each unknown is also >= 0).
    targets
        Linear combinations of the unknowns (usually a sum over a set of atoms).
    integer_below
        When given, a target whose rounded LP interval is narrower than this is solved
        again as an integer program (whole people), which can only narrow it further.

    Returns
    -------
    list of (low, high)
        Rounded inward to whole numbers; ``high`` is ``inf`` when nothing bounds it.
        An infeasible system (the relations contradict each other) raises ``ValueError``.
    """
    if not targets:
        return []
    _blocks, label = components(system)
    relations_of: dict[int, list[int]] = {}
    for i, row in enumerate(system.rows):
        relations_of.setdefault(int(label[next(iter(row))]), []).append(i)
    blocks: dict[int, _Block] = {}
    found = []
    for target in targets:
        parts: dict[int, dict[int, float]] = {}
        for j, coefficient in target.items():
            parts.setdefault(int(label[int(j)]), {})[int(j)] = coefficient
        lo = hi = 0.0
        for block_id, part in sorted(parts.items()):
            if block_id not in blocks:
                blocks[block_id] = _Block(
                    system, np.flatnonzero(label == block_id), relations_of.get(block_id, [])
                )
            block = blocks[block_id]
            c = np.zeros(block.system.n)
            position = {int(j): k for k, j in enumerate(block.unknowns)}
            for j, coefficient in part.items():
                c[position[j]] += coefficient
            part_lo, part_hi = block.bounds(c)
            if integer_below is not None and part_hi - part_lo < integer_below:
                part_lo, part_hi = _integer_interval(block, c, (part_lo, part_hi))
            lo, hi = lo + part_lo, hi + part_hi
        high = math.inf if math.isinf(hi) else float(math.floor(hi + _TOLERANCE))
        found.append((float(math.ceil(lo - _TOLERANCE)), high))
    return found


def _integer_interval(block: _Block, c: np.ndarray, lp: tuple[float, float]):
    """Solve the target's bounds as integer programs (the LP bounds are their fallback)."""
    options = {"integrality": np.ones(block.system.n), "bounds": Bounds(0, np.inf)}
    low = milp(c, constraints=block.constraint, **options)
    high = milp(-c, constraints=block.constraint, **options)
    lo = low.fun if low.success else lp[0]
    hi = -high.fun if high.success else lp[1]
    return lo, hi
