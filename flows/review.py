"""The reviewer's step of a run: the proposal's page above a form (one accept/reject per
change, the reviewer's name, a comment) in the Prefect UI's resume dialog; on resume the
approved procedure is made and stored."""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, cast
from uuid import UUID

from prefect import task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NONE
from prefect.client.orchestration import get_client
from prefect.client.schemas.objects import State
from prefect.input import RunInput, keyset_from_paused_state
from prefect.runtime import flow_run
from prefect.states import Paused, Running
from prefect.utilities.engine import propose_state_sync
from pydantic import Field, create_model
from sqlmodel import Session

from analysis.approval import Approval
from analysis.diff import diff_versions
from analysis.result import Inputs
from analysis.review import Decision, ReviewDecision, Verdict
from flows.artifacts import artifact_key
from jobs.batches import Analysed
from jobs.review import decide
from models.graph import graph_from_json, header_of
from publishing.diff_text import diff_lines
from publishing.labels import approval_label
from publishing.site import SiteEntry
from publishing.ui_pages import diff_markdown, inline_svg, review_markdown
from rules import Change, get_rules
from store.engine import shared_engine
from store.queries import version_graphs

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


_MARGIN_S = 600
"""The server's own pause deadline lies this far beyond the run's: the run lifts its
pause itself and ends completed, before the server would fail it."""
_POLL_S = 2.0


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
    form = review_form(proposals).with_initial_data(description=page)
    answer = _wait_for_input(form, artifact_key(item.result.code), timeout)
    if answer is None:
        print(f"{item.result.code}: no decision within {timeout} s; the proposal awaits review")
        return None
    return _decision(answer, proposals)


def _wait_for_input(form: type[RunInput], key: str, timeout: int) -> RunInput | None:
    """`pause_flow_run(wait_for_input=form)`, except that when nobody answers within
    `timeout` the run is taken out of its pause and goes on (Prefect's own timeout makes
    the server fail the run)."""
    run_id = flow_run.get_id()
    assert run_id is not None  # called from a flow run
    state: State[Any] = Paused(timeout_seconds=timeout + _MARGIN_S, reschedule=False, pause_key=key)
    keyset = keyset_from_paused_state(state)
    state.state_details.run_input_keyset = cast(dict[str, str], keyset)
    with get_client(sync_client=True) as client:
        paused = propose_state_sync(client=client, state=state, flow_run_id=UUID(run_id))
        if paused.is_running():  # resumed before (a rescheduled pause)
            return cast(RunInput, form.load(keyset))
        if not paused.is_paused():
            raise RuntimeError(f"the run could not pause for its review: {paused}")
        form.save(keyset)
        print("Waiting for the reviewer's decision: resume the run in the UI")
        deadline = time.monotonic() + timeout
        while True:
            current = client.read_flow_run(UUID(run_id)).state
            if current is not None and current.is_running():
                return cast(RunInput, form.load(keyset))
            if time.monotonic() >= deadline:
                client.set_flow_run_state(UUID(run_id), Running(), force=True)
                return None
            time.sleep(_POLL_S)


@task(cache_policy=NONE)
def record_decision(
    database_url: str,
    version_id: int,
    review: ReviewDecision,
    rules: list[str] | None,
    inputs: Inputs,
    out_dir: str,
) -> dict[str, Any]:
    """Make and store the approved version; show in the UI what it changes from the
    as-is version (artifact `diff-<code>`); return what it made."""
    with Session(shared_engine(database_url)) as session:
        outcome = decide(session, version_id, review, get_rules(rules), inputs, Path(out_dir))
        graphs = version_graphs(session, [version_id, outcome.approved_version_id])
    before, approved = (
        graph_from_json(graphs[v]) for v in (version_id, outcome.approved_version_id)
    )
    code = header_of(before)["code"]
    create_markdown_artifact(
        diff_markdown(code, header_of(before)["name"], diff_lines(diff_versions(before, approved))),
        key=f"diff-{artifact_key(code)}",
        description="Thủ tục được duyệt so với hiện trạng",
    )
    return {
        "approved_version": outcome.approved_version_id,
        "new": outcome.created,
        "accepted": outcome.accepted,
        "rejected": outcome.rejected,
        "not_applied": [rule for rule, _, _ in outcome.not_applied],
    }
