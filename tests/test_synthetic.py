"""The synthetic procedures are valid, cover every feature the rules act on, and repeat."""

from __future__ import annotations

import random
from collections.abc import Callable

import networkx as nx
import pytest
from hypothesis import given, settings

from models.graph import ProcedureGraph, tasks, to_graph
from models.metrics import measure
from models.procedure import ActorKind, Channel, DataSource, Procedure, StepKind
from models.validation import validate_graph
from tests.strategies import procedure_graphs
from tests.synthetic import SYNTHETIC_SOURCES, random_catalogue, random_procedure

Feature = Callable[[Procedure, dict[str, DataSource]], bool]


def test_hundreds_of_procedures_are_valid_and_measurable(
    sources: dict[str, DataSource],
) -> None:
    for seed in range(580):  # the rule properties draw thousands more
        steps = 3 + seed % 58
        G = to_graph(random_procedure(random.Random(seed), steps))
        assert validate_graph(G, file="synthetic", sources=sources) == [], seed
        assert len(tasks(G)) == steps, seed
        if seed % 19 == 0:  # the lead time solves a linear system: measure a sample of all sizes
            assert measure(G).steps == steps


@settings(max_examples=20, deadline=None)
@given(procedure_graphs(max_steps=20))
def test_strategy_draws_valid_graphs(G: ProcedureGraph) -> None:
    assert validate_graph(G, file="synthetic") == []
    assert 3 <= measure(G).steps <= 20


def test_too_few_steps_is_refused() -> None:
    with pytest.raises(ValueError, match="at least two"):
        random_procedure(random.Random(0), 1)


def test_sources_are_registered_some_connected_some_not(
    sources: dict[str, DataSource],
) -> None:
    connected = {sources[source].connected for source in SYNTHETIC_SOURCES}
    assert connected == {True, False}


def _steps(p: Procedure) -> dict[str, tuple[str, StepKind]]:
    return {step.id: (step.actor, step.kind) for step in p.steps}


def _approval_chain(p: Procedure, _: dict[str, DataSource]) -> bool:
    steps = _steps(p)
    leaders = {key for key, actor in p.actors.items() if actor.kind is ActorKind.leader}
    return any(
        steps[f.source][0] in leaders
        and steps[f.target][0] in leaders
        and steps[f.source][0] != steps[f.target][0]
        for f in p.flows
    )


def _same_actor_twice(p: Procedure, _: dict[str, DataSource]) -> bool:
    steps = _steps(p)
    return any(
        steps[f.source][0] == steps[f.target][0]
        and StepKind.decide not in (steps[f.source][1], steps[f.target][1])
        for f in p.flows
    )


def _double_check(p: Procedure, _: dict[str, DataSource]) -> bool:
    by_id = {step.id: step for step in p.steps}
    return any(
        (first := by_id[f.source]).kind is StepKind.check
        and (second := by_id[f.target]).kind is StepKind.check
        and first.actor == "desk"
        and second.actor == "officer"
        and first.uses == second.uses
        for f in p.flows
    )


def _held(connected: bool) -> Feature:
    def feature(p: Procedure, sources: dict[str, DataSource]) -> bool:
        return any(
            doc.held_by is not None and sources[doc.held_by].connected is connected
            for doc in p.documents.values()
        )

    return feature


def _produced_then_used(p: Procedure, _: dict[str, DataSource]) -> bool:
    produced = {doc for step in p.steps for doc in step.produces}
    return any(doc in produced for step in p.steps for doc in step.uses)


def _choice_in_parallel_branch(p: Procedure, _: dict[str, DataSource]) -> bool:
    """A `decide` whose nearest enclosing gateway up the dominator tree is a `parallel`."""
    G = to_graph(p)
    dominators = nx.immediate_dominators(G, p.steps[0].id)
    for node in G:
        if G.nodes[node]["kind"] == StepKind.decide:
            blocks = [
                G.nodes[above]["kind"]
                for above in _strict_dominators(dominators, node)
                if G.nodes[above]["kind"] in {StepKind.parallel, StepKind.join_}
            ]
            if blocks[:1] == [StepKind.parallel]:
                return True
    return False


def _strict_dominators(dominators: dict[str, str], node: str) -> list[str]:
    """The steps every path from the start to `node` passes through, nearest first."""
    found = []
    while node in dominators and dominators[node] != node:  # networkx ≥ 3.5 omits the start
        node = dominators[node]
        found.append(node)
    return found


FEATURES: dict[str, Feature] = {
    "branch that never runs": lambda p, _: any(f.probability == 0 for f in p.flows),
    "three-way choice": lambda p, _: any(
        sum(f.source == s.id for f in p.flows) == 3 for s in p.steps if s.kind is StepKind.decide
    ),
    "parallel block": lambda p, _: any(s.kind is StepKind.parallel for s in p.steps),
    "choice inside a parallel branch": _choice_in_parallel_branch,
    "rework loop": lambda p, _: not nx.is_directed_acyclic_graph(to_graph(p)),
    "mandatory step": lambda p, _: any(s.mandatory and s.legal_basis for s in p.steps),
    "pass-through transfer": lambda p, _: any(
        s.kind is StepKind.transfer and not (s.documents or s.uses or s.produces) for s in p.steps
    ),
    "approval chain": _approval_chain,
    "same actor twice": _same_actor_twice,
    "same check twice": _double_check,
    "held by a connected source": _held(connected=True),
    "held by an unconnected source": _held(connected=False),
    "unheld document": lambda p, _: any(d.held_by is None for d in p.documents.values()),
    "produced then used": _produced_then_used,
    "in person": lambda p, _: any(s.channel is Channel.in_person for s in p.steps),
    "online": lambda p, _: any(s.channel is Channel.online for s in p.steps),
    "step taking no time": lambda p, _: any(s.hours == 0 and not s.is_gateway for s in p.steps),
    "notified result": lambda p, _: p.steps[-1].kind is StepKind.notify,
    "online not allowed": lambda p, _: not p.online_allowed,
}


@pytest.fixture(scope="module")
def catalogue() -> list[Procedure]:
    return list(random_catalogue(300, seed=1))


def test_one_submission_in_one_result_out(catalogue: list[Procedure]) -> None:
    for p in catalogue:
        G = to_graph(p)
        starts = [node for node in G if G.in_degree(node) == 0]
        ends = [node for node in G if G.out_degree(node) == 0]
        assert starts == [p.steps[0].id]
        assert G.nodes[starts[0]]["kind"] == StepKind.submit
        assert len(ends) == 1
        assert G.nodes[ends[0]]["kind"] in {StepKind.return_, StepKind.notify}


def test_written_documents_are_read_only_where_their_writer_dominates(
    catalogue: list[Procedure],
) -> None:
    for p in catalogue:
        G = to_graph(p)
        dominators = nx.immediate_dominators(G, p.steps[0].id)
        writers = {doc: step.id for step in p.steps for doc in step.produces}
        for step in p.steps:
            for doc in step.uses:
                if doc in writers:
                    assert writers[doc] in _strict_dominators(dominators, step.id), (p.code, doc)


@pytest.mark.parametrize("feature", FEATURES)
def test_every_feature_appears(
    feature: str, catalogue: list[Procedure], sources: dict[str, DataSource]
) -> None:
    assert any(FEATURES[feature](p, sources) for p in catalogue)


def test_same_seed_same_procedure() -> None:
    assert random_procedure(random.Random(5), 25) == random_procedure(random.Random(5), 25)
    assert random_procedure(random.Random(5), 25) != random_procedure(random.Random(6), 25)
    assert list(random_catalogue(20, seed=3)) == list(random_catalogue(20, seed=3))


def test_catalogue_codes_are_unique_and_sizes_in_range() -> None:
    procedures = list(random_catalogue(200, seed=2, min_steps=5, max_steps=9))
    assert len({p.code for p in procedures}) == 200
    assert {len(tasks(to_graph(p))) for p in procedures} == set(range(5, 10))
