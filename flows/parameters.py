"""Typed flow parameters, so that the Prefect UI renders a proper form: dropdowns for
rule codes and data sources, bounded numbers, and option groups.

The rule codes come from the catalogue (`rules.RuleCode`); the data sources' literal
spells out the bundled registry, and a test checks that both match.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from rules import RuleCode

__all__ = [
    "DEFAULT_OUTPUT",
    "PICK_SEPARATOR",
    "BatchSize",
    "OutputOptions",
    "ProcedureCodes",
    "ReviewWaitHours",
    "ReviewWanted",
    "RuleChoice",
    "RuleCode",
    "ShardSize",
    "SourceChoice",
    "SourceId",
    "clean_codes",
]

SourceId = Literal[
    "population_db", "civil_status_db", "business_db", "social_insurance_db",
    "driving_licence_db", "vehicle_db", "land_db", "health_db", "judicial_record_db",
    "education_db", "tax_db", "electricity_db",
]  # fmt: skip
"""A data source of the registry (catalog/data_sources.yaml)."""

ProcedureCodes = tuple[str | None, ...]
"""The procedures a run is about, as typed in the form (blank entries and stray spaces
are forgiven: `clean_codes`)."""

RuleChoice = tuple[RuleCode, ...]
"""Rules chosen in the form; empty: the whole catalogue."""

SourceChoice = tuple[SourceId, ...]
"""Data sources taken as connected for a scenario."""

ReviewWanted = bool

ReviewWaitHours = Annotated[float, Field(gt=0, le=720)]
"""Hours to wait for a reviewer."""

BatchSize = Annotated[int, Field(ge=50, le=5000)]
ShardSize = Annotated[int, Field(ge=100, le=100_000)]
"""Procedures per task: larger batches mean fewer task runs and events."""


class OutputOptions(BaseModel):
    """What a run produces besides the stored analyses."""

    diagrams: bool = Field(
        default=True,
        title="Vẽ sơ đồ",
        description="Vẽ sơ đồ hiện trạng và đề xuất (SVG, PNG) trong thư mục out/.",
    )
    review_site: bool = Field(
        default=True,
        title="Cập nhật trang rà soát",
        description="Cập nhật trang rà soát (out/index.html) theo kết quả trong kho.",
    )
    artifacts: bool = Field(
        default=True,
        title="Trang thủ tục trong Prefect",
        description="Mỗi thủ tục một trang trong giao diện Prefect, có sơ đồ.",
    )
    image_width_px: int = Field(
        default=640,
        ge=240,
        le=1600,
        title="Độ rộng sơ đồ (điểm ảnh)",
        description="Độ rộng sơ đồ hiển thị trong giao diện Prefect; bấm liên kết dưới sơ đồ "
        "để xem cỡ đầy đủ trên trang rà soát.",
    )


DEFAULT_OUTPUT = OutputOptions()
"""Diagrams, the review site and the UI pages: what an analyst expects."""


PICK_SEPARATOR = " — "
"""Between a code and its procedure's name in the forms' picker."""


def clean_codes(codes: Iterable[str | None] | None) -> list[str]:
    """The codes as typed or picked, trimmed, blanks and names dropped, each once, in
    order.

    >>> clean_codes([" 1.001193 ", None, "", "1.001193 — Đăng ký khai sinh", "2.000001"])
    ['1.001193', '2.000001']
    """
    seen: dict[str, None] = {}
    for code in codes or ():
        kept = (code or "").split(PICK_SEPARATOR)[0].strip()
        if kept:
            seen.setdefault(kept, None)
    return list(seen)
