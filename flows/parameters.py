"""Typed flow parameters, so that the Prefect UI renders a proper form: dropdowns for
rule codes and data sources, bounded numbers, and option groups.

The rule codes come from the catalogue (`rules.RuleCode`); the data sources' literal
spells out the bundled registry, and a test checks that both match.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field

from rules import RuleCode

__all__ = ["DEFAULT_OUTPUT", "BatchSize", "OutputOptions", "RuleCode", "SourceId"]

SourceId = Literal[
    "population_db", "civil_status_db", "business_db", "social_insurance_db",
    "driving_licence_db", "vehicle_db", "land_db", "health_db", "judicial_record_db",
    "education_db", "tax_db", "electricity_db",
]  # fmt: skip
"""A data source of the registry (catalog/data_sources.yaml)."""

BatchSize = Annotated[int, Field(ge=50, le=5000)]
"""Procedures per task: larger batches mean fewer task runs and events."""


class OutputOptions(BaseModel):
    """What a run produces besides the stored analyses."""

    diagrams: bool = Field(
        default=True, description="Render the before/after diagrams (SVG and PNG) under out/."
    )
    review_site: bool = Field(
        default=True, description="Refresh the review site (out/index.html) from the store."
    )
    artifacts: bool = Field(
        default=True,
        description="Publish a page per procedure in the Prefect UI, with the diagrams inline.",
    )
    image_width_px: int = Field(
        default=640,
        ge=240,
        le=1600,
        description="Width of the diagrams shown in the Prefect UI, in pixels.",
    )


DEFAULT_OUTPUT = OutputOptions()
"""Diagrams, the review site and the UI pages: what an analyst expects."""
