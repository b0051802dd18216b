"""Proposals a reviewer refused to sign (../shared/CATALOGUE-REVIEW.md), pinned on the
bundled catalogue: legal acts between agencies stay, and no parallel branch is empty."""

from __future__ import annotations

import pytest

from analysis.result import ProcedureAnalysis, analyze, rule_context
from inputs.files import load_procedure
from models.graph import to_graph
from models.procedure import DataSource
from rules import get_rules
from rules.structure import empty_branches
from tests.conftest import CATALOG


def _analysis(stem: str, sources: dict[str, DataSource]) -> ProcedureAnalysis:
    procedure = load_procedure(CATALOG / "essential" / f"{stem}.yaml", sources)
    return analyze(to_graph(procedure), get_rules(), rule_context(sources))


@pytest.mark.parametrize(
    ("stem", "kept"),
    [
        # the land office's information slip to the tax office
        ("18-dang-ky-bien-dong-chuyen-nhuong-quyen-su-dung-dat", ["send_tax"]),
        # the written request that triggers the courts' verification
        ("22-cap-phieu-ly-lich-tu-phap", ["request_verification"]),
        # the centre proposes, the Department decides: two competences
        ("23-giai-quyet-huong-tro-cap-that-nghiep", ["centre_review", "transfer_department"]),
    ],
)
def test_acts_between_agencies_stay(
    stem: str, kept: list[str], sources: dict[str, DataSource]
) -> None:
    after = _analysis(stem, sources).outcome.after
    for step in kept:
        assert step in after, step


@pytest.mark.parametrize("stem", ["10-dang-ky-khai-tu", "11-dang-ky-ket-hon"])
def test_no_parallel_branch_is_left_empty(stem: str, sources: dict[str, DataSource]) -> None:
    analysis = _analysis(stem, sources)
    assert empty_branches(analysis.outcome.after) == set()
    assert "join" not in analysis.outcome.after  # the block for a dropped verification
