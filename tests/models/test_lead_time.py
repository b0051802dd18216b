"""The critical path and the value-added share, on graphs worked out by hand."""

from __future__ import annotations

import pytest

from models.lead_time import critical_path, value_added_share
from tests.models.test_metrics import graph


def test_rework_loop_shown_once_and_its_expected_cost_counted() -> None:
    # check runs 1/0.8 = 1.25 times: 1 + 2.5 + 0.25 (fix) + 4 + 1 = 8.75 h;
    # appraise and sign add value: 5 / 8.75
    G = graph(
        [("x", "a", "submit", 1), ("c", "d", "check", 2), ("g", "d", "decide", 0),
         ("fix", "a", "submit", 1), ("ap", "s", "appraise", 4), ("sg", "s", "sign", 1)],
        [("x", "c"), ("c", "g"), ("g", "fix", 0.2), ("g", "ap", 0.8), ("fix", "c"),
         ("ap", "sg")],
    )  # fmt: skip
    assert critical_path(G) == ["x", "c", "g", "ap", "sg"]
    assert value_added_share(G) == pytest.approx(5 / 8.75)


def test_parallel_block_takes_its_longest_branch() -> None:
    # lead time max(3, 5) + 1 = 6; value added max(3, 0) + 1 = 4
    G = graph(
        [("p", "d", "parallel", 0), ("a", "s", "appraise", 3), ("b", "e", "verify", 5),
         ("j", "d", "join", 0), ("sg", "s", "sign", 1)],
        [("p", "a"), ("p", "b"), ("a", "j"), ("b", "j"), ("j", "sg")],
    )  # fmt: skip
    assert critical_path(G) == ["p", "b", "j", "sg"]
    assert value_added_share(G) == pytest.approx(4 / 6)


def test_a_procedure_with_no_time_has_no_share() -> None:
    G = graph([("x", "a", "submit", 0)], [])
    assert critical_path(G) == ["x"]
    assert value_added_share(G) == 0.0
