"""The rule catalogue as a document (docs/rules.md), generated from the rules themselves."""

from __future__ import annotations

import inspect
import json
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

import jinja2

from rules import CATALOGUE, RULES_VERSION
from rules.base import Rule
from rules.guardrails import GUARDRAILS

__all__ = ["catalogue_markdown"]

_TEMPLATES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=False,  # Markdown, written from our own code
    keep_trailing_newline=True,
    undefined=jinja2.StrictUndefined,
)


@dataclass(frozen=True)
class _Param:
    name: str
    default: str
    description: str


@dataclass(frozen=True)
class _Entry:
    code: str
    name: str
    groups: tuple[str, ...]
    reason: str
    reason_en: str
    summary: str
    body: str
    params: list[_Param]


def _shown(value: Any) -> str:
    if isinstance(value, frozenset | set):
        value = sorted(value)
    return json.dumps(
        value, ensure_ascii=False, default=lambda v: v.value if isinstance(v, Enum) else str(v)
    )


def _entry(rule: type[Rule]) -> _Entry:
    summary, _, body = inspect.cleandoc(rule.__doc__ or "").partition("\n")
    params = [
        _Param(name, _shown(field.default), field.description or "")
        for name, field in rule.Params.model_fields.items()
    ]
    return _Entry(
        rule.code,
        rule.name,
        rule.groups,
        rule.reason,
        rule.reason_en,
        summary.strip(),
        body.strip(),
        params,
    )


def catalogue_markdown() -> str:
    """Return docs/rules.md: the guardrails and every rule with its reason, examples, parameters."""
    return _TEMPLATES.get_template("rules.md.j2").render(
        version=RULES_VERSION,
        guardrails=GUARDRAILS,
        rules=[_entry(rule) for rule in CATALOGUE],
    )
