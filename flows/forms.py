"""Vietnamese titles on the deployments' forms.

Prefect titles each top-level field of a deployment's form with the parameter's name
(`codes`, `review_wait_hours`) and takes its description from the flow's docstring. The
titles an analyst reads are set here, on the deployed schemas; `tthc serve` runs
`python -m flows.forms` after deploying prefect.yaml.
"""

from __future__ import annotations

from copy import deepcopy
from typing import Any

from prefect.client.orchestration import SyncPrefectClient, get_client
from prefect.client.schemas.actions import DeploymentUpdate

__all__ = ["FORM_TITLES", "title_forms", "titled"]

_CODES = "Mã thủ tục"
_RULES = "Quy tắc áp dụng"
_PATHS = "Tệp hoặc thư mục thủ tục"
_OUTPUT = "Kết quả tạo ra"
_WAIT = "Thời gian chờ rà soát (giờ)"

FORM_TITLES: dict[str, dict[str, str]] = {
    "reengineer-procedure": {
        "codes": _CODES,
        "rules": _RULES,
        "connect": "Giả định kết nối cơ sở dữ liệu",
        "output": _OUTPUT,
        "review": "Đưa ra rà soát",
        "review_wait_hours": _WAIT,
    },
    "review-proposals": {
        "codes": _CODES,
        "changed_within_hours": "Thủ tục được phân tích trong vòng (giờ)",
        "review_wait_hours": _WAIT,
    },
    "nightly-reanalysis": {"output": _OUTPUT, "batch_size": "Số thủ tục mỗi lô"},
    "import-catalog": {"path": _PATHS},
    "whatif": {"connect": "Cơ sở dữ liệu giả định kết nối", "paths": _PATHS},
    "reengineer-catalog": {"paths": _PATHS, "out_dir": "Thư mục kết quả", "rules": _RULES},
}
"""Deployment → parameter → the title its form shows."""


def titled(schema: dict[str, Any], titles: dict[str, str]) -> dict[str, Any]:
    """`schema` (a deployment's parameter schema) with these titles on its fields."""
    result = deepcopy(schema)
    for name, field in result.get("properties", {}).items():
        if name in titles:
            field["title"] = titles[name]
    return result


def title_forms(client: SyncPrefectClient) -> list[str]:
    """Set the titles on every deployment of `FORM_TITLES` the server holds; return the
    names of those retitled."""
    done = []
    for deployment in client.read_deployments():
        titles = FORM_TITLES.get(deployment.name)
        if titles is None or deployment.parameter_openapi_schema is None:
            continue
        schema = titled(deployment.parameter_openapi_schema, titles)
        client.update_deployment(deployment.id, DeploymentUpdate(parameter_openapi_schema=schema))
        done.append(deployment.name)
    return done


def main() -> None:
    """Title the forms of the server PREFECT_API_URL names (`python -m flows.forms`)."""
    with get_client(sync_client=True) as client:
        print("titled:", ", ".join(title_forms(client)))


if __name__ == "__main__":
    main()
