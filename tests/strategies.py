"""Hypothesis strategies for procedure graphs, built on `tests.synthetic`."""

from __future__ import annotations

import random

from hypothesis import strategies as st

from models.graph import ProcedureGraph, to_graph
from tests.synthetic import random_procedure

__all__ = ["procedure_graphs"]


def procedure_graphs(min_steps: int = 3, max_steps: int = 40) -> st.SearchStrategy[ProcedureGraph]:
    """Valid procedure graphs with `min_steps` to `max_steps` work steps.

    Hypothesis drives the random choices, so a failing graph shrinks towards
    fewer steps and simpler fragments.
    """
    return st.builds(_graph, st.randoms(use_true_random=False), st.integers(min_steps, max_steps))


def _graph(rng: random.Random, steps: int) -> ProcedureGraph:
    return to_graph(random_procedure(rng, steps))
