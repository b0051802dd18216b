"""Reading procedure files (YAML or JSON, format v1)."""

from __future__ import annotations

import json
import stat
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from models.errors import InvalidProcedure, Problem
from models.graph import to_graph
from models.procedure import CODE_PATTERN, ID_PATTERN, DataSource, Procedure
from models.validation import validate_graph

__all__ = [
    "MAX_DEPTH",
    "MAX_FILE_BYTES",
    "PROCEDURE_SUFFIXES",
    "find_procedure_files",
    "load_procedure",
    "load_procedures",
    "read_document",
]

PROCEDURE_SUFFIXES = (".yaml", ".yml", ".json")
_FORMAT_DOC = "docs/procedure-format.md"
MAX_FILE_BYTES = 5_000_000
"""A procedure or settings file larger than this is refused before it is read (the
largest bundled procedure is about 10 KB)."""
MAX_DEPTH = 32
"""Mappings and lists nested deeper than this are refused before they are built (format
v1 needs four levels)."""


class _UniqueKeyLoader(yaml.SafeLoader):
    """A YAML loader that refuses a key given twice in one mapping."""


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode) -> dict[Hashable, Any]:
    seen: set[Hashable] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            line = key_node.start_mark.line + 1
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"key '{key}' is given twice (line {line}); keep one",
                key_node.start_mark,
            )
        seen.add(key)
    return loader.construct_mapping(node)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _unique_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    counts = Counter(key for key, _ in pairs)
    twice = [key for key, n in counts.items() if n > 1]
    if twice:
        raise ValueError(f"key '{twice[0]}' is given twice; keep one")
    return dict(pairs)


SETTINGS_FILES = frozenset({"data_sources.yaml", "cost_settings.yaml", "plan_settings.yaml"})
"""Files in the catalogue folder that are not procedures."""


def read_document(path: Path) -> Any:
    """Return the parsed content of a YAML or JSON file, refusing duplicate keys.

    Only a regular file of at most `MAX_FILE_BYTES` is read (never a FIFO or a device),
    and nothing nested deeper than `MAX_DEPTH` is built: bounded work on any file.
    """
    mode = path.stat().st_mode
    if not stat.S_ISREG(mode):
        raise OSError("not a regular file (a folder, a FIFO or a device); it is not read")
    with path.open("rb") as stream:
        data = stream.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise OSError(f"larger than {MAX_FILE_BYTES:,} bytes; a procedure file is far smaller")
    text = data.decode("utf-8")
    if path.suffix == ".json":
        _check_depth(_json_depth(text))
        return json.loads(text, object_pairs_hook=_unique_pairs)
    _check_depth(_yaml_depth(text))
    return yaml.load(text, Loader=_UniqueKeyLoader)


def _check_depth(depth: int) -> None:
    if depth > MAX_DEPTH:
        raise ValueError(f"nested {depth} levels deep; format v1 needs four, at most {MAX_DEPTH}")


def _yaml_depth(text: str) -> int:
    """The deepest nesting of mappings and lists, read from the parser's events."""
    depth = deepest = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            deepest = max(deepest, depth)
            if deepest > MAX_DEPTH:
                break
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    return deepest


def _json_depth(text: str) -> int:
    """The deepest nesting of objects and arrays, outside strings."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def load_procedure(path: Path, sources: Mapping[str, DataSource] | None = None) -> Procedure:
    """Return the valid procedure in `path`, or raise `InvalidProcedure` with every problem."""
    file = str(path)
    try:
        raw = read_document(path)
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidProcedure([Problem(file, "file", f"cannot read it: {error}")]) from error
    except (ValueError, yaml.YAMLError) as error:
        raise InvalidProcedure(
            [Problem(file, "file", f"not valid YAML/JSON: {_parse_message(error)}")]
        ) from error
    if not isinstance(raw, dict):
        raise InvalidProcedure(
            [Problem(file, "file", f"expected a mapping of fields (see {_FORMAT_DOC})")]
        )
    try:
        procedure = Procedure.model_validate(raw)
    except ValidationError as error:
        raise InvalidProcedure(_schema_problems(file, raw, error)) from error
    problems = _identity_problems(file, procedure)
    if not problems:
        problems = validate_graph(to_graph(procedure), file=file, sources=sources)
    if problems:
        raise InvalidProcedure(problems)
    return procedure


def load_procedures(
    paths: Iterable[Path], sources: Mapping[str, DataSource] | None = None
) -> dict[Path, Procedure]:
    """Load every file in `paths`; raise one `InvalidProcedure` with all files' problems."""
    loaded: dict[Path, Procedure] = {}
    problems: list[Problem] = []
    codes: dict[str, Path] = {}
    for path in paths:
        try:
            procedure = load_procedure(path, sources)
        except InvalidProcedure as error:
            problems += error.problems
            continue
        if procedure.code in codes:
            problems.append(
                Problem(
                    str(path),
                    "code",
                    f"code '{procedure.code}' is also used by {codes[procedure.code]}; "
                    "each procedure needs its own code",
                )
            )
            continue
        codes[procedure.code] = path
        loaded[path] = procedure
    if problems:
        raise InvalidProcedure(problems)
    return loaded


def _parse_message(error: ValueError | yaml.YAMLError) -> str:
    """What is wrong and where, without echoing the file's line (which may not be a
    procedure's: the error must not show what another file holds)."""
    if isinstance(error, yaml.MarkedYAMLError):
        mark = error.problem_mark or error.context_mark
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        return f"{error.problem or error.context}{where}"
    if isinstance(error, json.JSONDecodeError):
        return f"{error.msg} (line {error.lineno}, column {error.colno})"
    return " ".join(str(error).split())


def find_procedure_files(paths: Iterable[Path]) -> list[Path]:
    """Expand folders into the procedure files below them, sorted; skip the registry,
    and whatever is not a regular file inside the folder (a FIFO, a device, a link
    leading out of it)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            inside = path.resolve()
            found += sorted(
                p
                for p in path.rglob("*")
                if p.suffix in PROCEDURE_SUFFIXES
                and p.name not in SETTINGS_FILES
                and p.is_file()
                and p.resolve().is_relative_to(inside)
            )
        else:
            found.append(path)
    return found


def _identity_problems(file: str, procedure: Procedure) -> list[Problem]:
    problems: list[Problem] = []
    step_ids = Counter(step.id for step in procedure.steps)
    for step_id, count in step_ids.items():
        if count > 1:
            problems.append(
                Problem(file, f"step '{step_id}'", f"id used by {count} steps; give each its own")
            )
    seen_flows: set[tuple[str, str]] = set()
    for flow in procedure.flows:
        where = f"flow '{flow.source}' → '{flow.target}'"
        for end in (flow.source, flow.target):
            if end not in step_ids:
                problems.append(
                    Problem(
                        file,
                        where,
                        f"unknown step '{end}': use the `id` of a step under `steps`",
                    )
                )
        if (flow.source, flow.target) in seen_flows:
            problems.append(Problem(file, where, "flow given twice; keep one"))
        seen_flows.add((flow.source, flow.target))
    return problems


_PATTERNS = {
    CODE_PATTERN: (
        "`code` must be a national code such as 1.001193, with its local suffix if any "
        "(1.001193.000.00.00.H41): capital letters and digits, single dots or hyphens "
        "between them"
    ),
    ID_PATTERN: "an id is made of letters, digits, `_`, `.` and `-`",
}
"""What an operator reads when a code or an id has characters it may not have."""


def _schema_problems(file: str, raw: dict[str, Any], error: ValidationError) -> list[Problem]:
    problems = []
    for item in error.errors():
        location = item["loc"]
        message = item["msg"]
        if item["type"] == "extra_forbidden":
            message = f"unknown field `{location[-1]}`: check the spelling (see {_FORMAT_DOC})"
        elif item["type"] == "missing":
            message = f"field `{location[-1]}` is required (see {_FORMAT_DOC})"
        elif item["type"] == "greater_than_equal":
            message = f"`{location[-1]}` must not be negative: {message}"
        elif item["type"] == "string_pattern_mismatch":
            message = _PATTERNS.get(
                str(item.get("ctx", {}).get("pattern")), f"`{location[-1]}`: {message}"
            )
            message = f"{message} (see {_FORMAT_DOC})"
        elif location:
            message = f"`{location[-1]}`: {message}"
        problems.append(Problem(file, _where(raw, location), message))
    return problems


def _where(raw: dict[str, Any], location: tuple[int | str, ...]) -> str:
    """Name the element at a pydantic location, by id where the file gives one."""
    if len(location) >= 2 and location[0] in ("steps", "flows") and isinstance(location[1], int):
        items = raw.get(str(location[0]))
        item = items[location[1]] if isinstance(items, list) and location[1] < len(items) else {}
        item = item if isinstance(item, dict) else {}
        if location[0] == "steps" and "id" in item:
            return f"step '{item['id']}'"
        if location[0] == "flows" and "from" in item:
            return f"flow '{item.get('from')}' → '{item.get('to')}'"
        return f"{location[0]}[{location[1]}]"
    if len(location) >= 2 and location[0] in ("actors", "documents"):
        return f"{str(location[0])[:-1]} '{location[1]}'"
    return "procedure"
