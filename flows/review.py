"""The reviewer's step of a run: the proposal's page above a form (one accept/reject per
change, the reviewer's name, a comment) in the Prefect UI's resume dialog; on resume the
approved procedure is made and stored."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from prefect import pause_flow_run, task
from prefect.cache_policies import NONE
from prefect.client.orchestration import get_client
from prefect.exceptions import FlowPauseTimeout
from prefect.input import RunInput
from prefect.runtime import flow_run
from prefect.states import Running
from pydantic import Field, create_model
from sqlmodel import Session

from analysis.approval import Approval
from analysis.result import Inputs
from analysis.review import Decision, ReviewDecision, Verdict
from flows.artifacts import artifact_key
from jobs.batches import Analysed
from jobs.review import decide
from publishing.labels import approval_label
from publishing.site import SiteEntry
from publishing.ui_pages import inline_svg, review_markdown
from rules import Change, get_rules
from store.engine import shared_engine

__all__ = ["Choice", "ask_reviewer", "record_decision", "review_form"]

_TITLE_CHARACTERS = 140


class Choice(StrEnum):
    """A reviewer's verdict on one change, as the form offers it."""

    accept = "Đồng ý"
    reject = "Không đồng ý"


def review_form(proposals: Sequence[tuple[Change, Approval | None]]) -> type[RunInput]:
    """The form: the reviewer's name, a verdict (and a reason to reject) per change,
    numbered as the page lists them, and a comment. Unknown fields are refused."""
    fields: dict[str, Any] = {
        "reviewer": (str, Field(min_length=1, max_length=200, title="Người rà soát (họ và tên)")),
    }
    for number, (change, decided) in enumerate(proposals, 1):
        reason = change.reason
        short = reason if len(reason) <= _TITLE_CHARACTERS else reason[:_TITLE_CHARACTERS] + "…"
        fields[f"change_{number}"] = (
            Choice,
            Field(
                default=Choice.accept,
                title=f"{number}. {change.rule}: {short}",
                description=f"Cấp quyết định: {approval_label(decided, 'vi')}",
            ),
        )
        fields[f"reason_{number}"] = (
            str,
            Field(default="", max_length=500, title=f"Lý do không đồng ý thay đổi {number}"),
        )
    fields["comment"] = (str, Field(default="", max_length=2000, title="Ý kiến chung"))
    model: type[RunInput] = create_model("ReviewForm", __base__=RunInput, **fields)
    return model


def _decision(
    answer: RunInput, proposals: Sequence[tuple[Change, Approval | None]]
) -> ReviewDecision:
    values = answer.model_dump()
    decisions = tuple(
        Decision(
            change.key,
            Verdict.reject if values[f"change_{n}"] == Choice.reject else Verdict.accept,
            values[f"reason_{n}"].strip(),
        )
        for n, (change, _) in enumerate(proposals, 1)
    )
    return ReviewDecision(
        values["reviewer"].strip(), values["comment"].strip(), datetime.now(UTC), decisions
    )


def ask_reviewer(item: Analysed, out_dir: str, width: int, timeout: int) -> ReviewDecision | None:
    """Pause the run until a reviewer decides `item`'s proposal; None when nobody does
    within `timeout` seconds (the proposal then awaits review)."""
    proposals = item.result.proposals
    files = item.diagrams
    images = [
        inline_svg((Path(out_dir) / path).read_bytes(), width)
        for path in (files.before_svg, files.after_svg)
    ]
    page = review_markdown(SiteEntry(item.result, files), *images)
    form = review_form(proposals)
    try:
        answer = pause_flow_run(
            wait_for_input=form.with_initial_data(description=page),
            timeout=timeout,
            key=artifact_key(item.result.code),
        )
    except FlowPauseTimeout:
        print(f"{item.result.code}: no decision within {timeout} s; the proposal awaits review")
        _carry_on()
        return None
    return _decision(answer, proposals)


def _carry_on() -> None:
    """Take the run out of its expired pause, so that it ends as it should (the server
    fails a run that completes while still paused)."""
    run_id = flow_run.get_id()
    assert run_id is not None  # called from a flow run
    with get_client(sync_client=True) as client:
        client.set_flow_run_state(run_id, Running(), force=True)


@task(cache_policy=NONE)
def record_decision(
    database_url: str,
    version_id: int,
    review: ReviewDecision,
    rules: list[str] | None,
    inputs: Inputs,
    out_dir: str,
) -> dict[str, Any]:
    """Make and store the approved version; return what it made."""
    with Session(shared_engine(database_url)) as session:
        outcome = decide(session, version_id, review, get_rules(rules), inputs, Path(out_dir))
    return {
        "approved_version": outcome.approved_version_id,
        "new": outcome.created,
        "accepted": outcome.accepted,
        "rejected": outcome.rejected,
        "not_applied": [rule for rule, _, _ in outcome.not_applied],
    }
