"""Runs whose machine died are marked Crashed: Prefect's own way, an automation.

A flow run sends a heartbeat event every PREFECT_FLOWS_HEARTBEAT_FREQUENCY seconds
while it lives; when a worker or its machine dies, its runs stop sending them and
would stay "Running" for ever. This automation (Prefect's recipe for "zombie" runs)
marks a run that sent no heartbeat and did not finish within three periods as
Crashed, so that the nightly run re-submits a crashed shard (`flows.nightly_shard`)
and the UI tells the truth. `tthc serve` runs `python -m flows.crashes` after
deploying; it replaces an earlier version of the automation.
"""

from __future__ import annotations

from datetime import timedelta

from prefect.automations import AutomationCore
from prefect.client.orchestration import get_client
from prefect.client.schemas.objects import StateType
from prefect.events.actions import ChangeFlowRunState
from prefect.events.schemas.automations import EventTrigger, Posture
from prefect.events.schemas.events import ResourceSpecification
from prefect.settings import get_current_settings

__all__ = ["AUTOMATION", "crash_unresponsive_runs", "unresponsive_after"]

AUTOMATION = "tthc: đánh dấu Crashed lần chạy mất liên lạc"
PERIODS = 3
"""Heartbeat periods a run may miss before it is taken as crashed."""


def unresponsive_after() -> timedelta:
    """How long a run may stay silent: `PERIODS` heartbeat periods of this environment."""
    seconds = get_current_settings().flows.heartbeat_frequency or 180
    return timedelta(seconds=PERIODS * seconds)


def _automation() -> AutomationCore:
    silent = unresponsive_after()
    return AutomationCore(
        name=AUTOMATION,
        description=(
            f"Lần chạy không gửi tín hiệu sống trong {silent.total_seconds():.0f} giây (máy "
            "chạy hoặc worker đã dừng) được đánh dấu Crashed; lần chạy hằng đêm giao lại "
            "phần việc đó cho máy khác."
        ),
        trigger=EventTrigger(
            after={"prefect.flow-run.heartbeat"},
            expect={
                "prefect.flow-run.heartbeat",
                "prefect.flow-run.Completed",
                "prefect.flow-run.Failed",
                "prefect.flow-run.Cancelled",
                "prefect.flow-run.Crashed",
            },
            match=ResourceSpecification({"prefect.resource.id": ["prefect.flow-run.*"]}),
            for_each={"prefect.resource.id"},
            posture=Posture.Proactive,
            threshold=1,
            within=silent,
        ),
        actions=[
            ChangeFlowRunState(
                state=StateType.CRASHED,
                message=(
                    f"không có tín hiệu sống trong {silent.total_seconds():.0f} giây: máy "
                    "chạy hoặc worker đã dừng"
                ),
            )
        ],
    )


def crash_unresponsive_runs() -> None:
    """Create the automation on the server PREFECT_API_URL names, replacing any earlier
    one of the same name."""
    with get_client(sync_client=True) as client:
        for earlier in client.read_automations_by_name(AUTOMATION):
            client.delete_automation(earlier.id)
        client.create_automation(_automation())


if __name__ == "__main__":
    crash_unresponsive_runs()
    print(f"automation: {AUTOMATION} ({unresponsive_after().total_seconds():.0f} s)")
