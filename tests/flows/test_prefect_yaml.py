"""prefect.yaml names flows that load from their entrypoints."""

from __future__ import annotations

import yaml
from prefect.flows import load_flow_from_entrypoint

from inputs.settings import PROJECT_ROOT


def test_every_deployment_entrypoint_loads_its_flow() -> None:
    spec = yaml.safe_load((PROJECT_ROOT / "prefect.yaml").read_text("utf-8"))
    assert spec["deployments"]
    for deployment in spec["deployments"]:
        path, _, name = deployment["entrypoint"].partition(":")
        entrypoint = f"{PROJECT_ROOT / path}:{name}"
        assert load_flow_from_entrypoint(entrypoint).name == deployment["name"]
