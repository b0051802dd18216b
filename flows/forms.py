"""The deployments' forms as analysts read them: Vietnamese titles and a procedure picker.

Prefect titles each top-level field of a deployment's form with the parameter's name
(`codes`, `review_wait_hours`) and takes its description from the flow's docstring. The
titles an analyst reads are set here, on the deployed schemas, and the procedure fields
become a picker of the procedures the engine can analyse (the store's and the bundled
catalogue's, "1.001193 — Đăng ký khai sinh"; `clean_codes` keeps the code). `tthc serve`
runs `python -m flows.forms` after deploying prefect.yaml; every import refreshes the
picker.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from copy import deepcopy
from typing import Any

import httpx
from prefect.client.orchestration import SyncPrefectClient, get_client
from prefect.client.schemas.actions import DeploymentUpdate
from prefect.exceptions import PrefectException
from sqlmodel import Session

from flows.parameters import PICK_SEPARATOR
from inputs.files import find_procedure_files, load_procedures
from inputs.settings import get_settings
from models.errors import TthcError
from store.engine import shared_engine
from store.queries import procedures

__all__ = [
    "FORM_TITLES",
    "known_procedures",
    "procedure_choices",
    "refresh_forms",
    "title_forms",
    "titled",
]

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
    "nightly-reanalysis": {
        "output": _OUTPUT,
        "batch_size": "Số thủ tục mỗi lô",
        "shard_size": "Số thủ tục mỗi phần việc",
    },
    "nightly-shard": {
        "night": "Lần chạy hằng đêm",
        "work": "Phiên bản cần phân tích lại",
        "rules_signature": "Bộ quy tắc",
        "inputs_key": "Danh mục CSDL và giả định chi phí",
        "output": _OUTPUT,
        "batch_size": "Số thủ tục mỗi lô",
    },
    "import-catalog": {
        "path": "Tệp thủ tục, thư mục hoặc văn bản của cơ quan",
        "store": "Lưu bản nháp vào kho",
    },
    "whatif": {"connect": "Cơ sở dữ liệu giả định kết nối", "paths": _PATHS},
    "reengineer-catalog": {"paths": _PATHS, "out_dir": "Thư mục kết quả", "rules": _RULES},
}
"""Deployment → parameter → the title its form shows."""


PICKED = "codes"
"""The field that picks procedures, wherever a form has it."""


def titled(
    schema: dict[str, Any], titles: dict[str, str], choices: Sequence[str] = ()
) -> dict[str, Any]:
    """`schema` (a deployment's parameter schema) with these titles on its fields and,
    when there are `choices`, its procedure field a picker of them."""
    result = deepcopy(schema)
    for name, field in result.get("properties", {}).items():
        if name in titles:
            field["title"] = titles[name]
        if name == PICKED and choices:  # pick one, or type a code (the API's way)
            field["items"] = {
                "anyOf": [
                    {"type": "string", "enum": list(choices), "title": "Chọn thủ tục"},
                    {"type": "string", "title": "Nhập mã"},
                    {"type": "null", "title": "Bỏ trống"},  # a blank entry is dropped
                ]
            }
    return result


def procedure_choices(names: Mapping[str, str]) -> list[str]:
    """The picker's entries, in code order: "1.001193 — Đăng ký khai sinh".

    >>> procedure_choices({"2.000001": "Cấp phép", "1.001193": "Đăng ký khai sinh"})
    ['1.001193 — Đăng ký khai sinh', '2.000001 — Cấp phép']
    """
    return [f"{code}{PICK_SEPARATOR}{names[code]}" for code in sorted(names)]


def known_procedures() -> dict[str, str]:
    """Code → name of every procedure a run can take: the store's and the catalogue's."""
    settings = get_settings()
    files = find_procedure_files([settings.catalog_dir])
    names = {p.code: p.name for p in load_procedures(files).values()}
    with Session(shared_engine(settings.database_url)) as session:
        names |= {record.code: record.name for record, _ in procedures(session)}
    return names


def title_forms(client: SyncPrefectClient, choices: Sequence[str] = ()) -> list[str]:
    """Set the titles (and the procedure picker's `choices`) on every deployment of
    `FORM_TITLES` the server holds; return the names of those changed."""
    done = []
    for deployment in client.read_deployments():
        titles = FORM_TITLES.get(deployment.name)
        if titles is None or deployment.parameter_openapi_schema is None:
            continue
        schema = titled(deployment.parameter_openapi_schema, titles, choices)
        client.update_deployment(deployment.id, DeploymentUpdate(parameter_openapi_schema=schema))
        done.append(deployment.name)
    return done


def refresh_forms() -> list[str]:
    """`title_forms` on the server this process reports to, with the procedures known
    now; nothing when no deployment is there (a run without `tthc serve`). Best effort:
    a form left as it was is said in the log, never a failed import."""
    try:
        with get_client(sync_client=True) as client:
            return title_forms(client, procedure_choices(known_procedures()))
    except (TthcError, PrefectException, httpx.HTTPError) as error:
        logging.getLogger(__name__).warning("the forms were not refreshed: %s", error)
        return []


def main() -> None:
    """Title the forms of the server PREFECT_API_URL names (`python -m flows.forms`)."""
    print("titled:", ", ".join(refresh_forms()))


if __name__ == "__main__":
    main()
