"""The `tthc` command line: validate, import, list, analyze, rules, whatif, report, demo,
serve and stop."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any, cast

import typer
import yaml
from sqlalchemy.engine import Engine
from sqlmodel import Session

from analysis.diff import diff_versions
from analysis.result import Inputs, ProcedureAnalysis, analyze
from analysis.whatif import what_if
from diagrams.bpmn import bpmn_xml, fresh_diagram
from diagrams.figures import write_diagrams
from diagrams.render import require_dot
from inputs.bpmn import parse_model, read_bpmn
from inputs.files import find_procedure_files, load_procedure, load_procedures
from inputs.office import draft_yaml
from inputs.registry import load_data_sources, load_inputs, load_plan_settings
from inputs.settings import PROJECT_ROOT, get_settings
from jobs.importing import REPORT_NAME, draft_documents, is_office_file
from models.errors import InvalidInput, OutputNotWritten, Problem, TthcError, UnknownProcedure
from models.graph import graph_from_json, header_of, to_graph
from models.procedure import Procedure
from publishing.diff_text import diff_lines, review_lines
from publishing.labels import READINESS_KEYS, Lang, local_time, number
from publishing.plan_docs import plan_entries, publish_plans
from publishing.report import assemble_report, procedure_report
from publishing.report_files import publish_report
from publishing.rules_doc import catalogue_markdown
from rules import RULES_VERSION, get_rules
from store.engine import make_engine
from store.migrate import head_revision
from store.queries import (
    import_procedures,
    latest_graph,
    procedures,
    version_graph,
    version_history,
)
from store.reviews import reviews_of
from tthc.serve import Stack, check, shut_down, start

app = typer.Typer(
    help="Re-engineer Vietnamese administrative procedures (TTHC).", no_args_is_help=True
)

Paths = Annotated[list[Path], typer.Argument(help="Procedure files (YAML/JSON) or folders.")]
Rules = Annotated[
    list[str] | None, typer.Option("--rule", help="Rule code or group to apply (repeatable).")
]
Params = Annotated[
    list[str] | None,
    typer.Option(
        "--param",
        help="A rule parameter, CODE.name=value, the value read as YAML (repeatable); "
        "see docs/rules.md for each rule's parameters.",
    ),
]


db = typer.Typer(help="The store: its schema and migrations.", no_args_is_help=True)
app.add_typer(db, name="db")


@app.callback()
def main() -> None:
    """Re-engineer Vietnamese administrative procedures (TTHC)."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Bring the store (TTHC_DATABASE_URL) to the newest schema; every command does this
    when it opens the store, so this is for operators who want it done first."""
    store = _engine().url.render_as_string(hide_password=True)
    typer.echo(f"{store}: at migration {head_revision()} (the newest)")


def _fail(error: TthcError) -> typer.Exit:
    typer.echo(f"error: {error}", err=True)
    return typer.Exit(1)


@contextlib.contextmanager
def _writing(folder: Path | None) -> Iterator[None]:
    """Turn a failure to write outputs (a read-only or full disk, a folder that cannot be
    made) into one sentence naming the folder."""
    try:
        yield
    except OSError as error:
        reason = error.strerror or str(error)
        raise OutputNotWritten(
            f"cannot write the outputs under {folder}: {reason}; choose a writable folder "
            "with --out, or free some space"
        ) from error


def _engine() -> Engine:
    """The store's engine, or exit with the reason (a store from a newer tthc, say)."""
    try:
        return make_engine(get_settings().database_url)
    except TthcError as error:
        raise _fail(error) from error


def _load_valid(paths: list[Path]) -> dict[Path, Procedure]:
    """Load the procedure files below `paths`, or exit reporting every problem."""
    try:
        sources = load_data_sources(get_settings().data_sources_file)
        return load_procedures(find_procedure_files(paths), sources)
    except InvalidInput as error:
        raise _fail(error) from error


def _selection(paths: list[Path] | None, every: bool) -> list[Procedure]:
    """The valid procedures below `paths` (default: the bundled catalogue): the essential
    services, or `every` one."""
    loaded = _load_valid(paths or [get_settings().catalog_dir])
    return [p for p in loaded.values() if every or p.essential]


@app.command()
def validate(paths: Paths) -> None:
    """Check procedure files and report every problem at once."""
    typer.echo(f"{len(_load_valid(paths))} procedure file(s) valid.")


@app.command("import")
def import_(
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="Procedure files (YAML/JSON) or folders; or office documents: a decision's "
            "internal-process tables (.docx, .xlsx, text .pdf) with, optionally, the national "
            "portal's page of the same procedures (.txt, .html, .docx)."
        ),
    ],
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Where to write the drafts and import-report.md "
            "(default: drafts/<first document's name>).",
        ),
    ] = None,
    store: Annotated[
        bool,
        typer.Option(
            "--store",
            help="Store the drafts in one transaction if every one is "
            "valid; without it, nothing is stored.",
        ),
    ] = False,
) -> None:
    """Validate procedure files, then store them as as-is versions (all or nothing).

    Office documents are drafted instead: one procedure file per table, and a report of
    what was read, inferred and defaulted; `--store` stores the drafts once they validate.
    """
    office = [p for p in paths if is_office_file(p)]
    if office:
        if len(office) != len(paths):
            raise _fail(InvalidInput([Problem(str(p), "file", (
                "give procedure files or office documents, not both in one import"))
                for p in paths if p not in office]))  # fmt: skip
        _import_office(paths, out or Path("drafts") / paths[0].stem, store)
        return
    loaded = _load_valid(paths)
    with Session(_engine()) as session:
        results = import_procedures(session, loaded.items())
        session.commit()
        for version, new in results:
            state = "new version" if new else "unchanged"
            typer.echo(f"{version.graph['code']}: {state} (version {version.id})")


def _import_office(paths: list[Path], out: Path, store: bool) -> None:
    settings = get_settings()
    try:
        sources = load_data_sources(settings.data_sources_file)
        with _writing(out):
            run = draft_documents(paths, out, sources, settings.database_url if store else None)
    except TthcError as error:
        if isinstance(error, InvalidInput) and (out / REPORT_NAME).exists():
            typer.echo(f"Nothing stored. Report: {out / REPORT_NAME}", err=True)
        raise _fail(error) from error
    for doc in run.documents:
        for draft in doc.drafts:
            target = run.files.get(draft.code)
            state = "not drafted" if target is None else (
                "invalid" if draft.code in run.invalid else "valid")  # fmt: skip
            typer.echo(f"{draft.code}: {draft.steps_read} steps read, {state}"
                       + (f" → {target}" if target else ""))  # fmt: skip
    for problem in run.problems:
        typer.echo(f"  {problem}", err=True)
    for code, new in run.stored:
        typer.echo(f"{code}: stored ({'new version' if new else 'unchanged'})")
    typer.echo(f"Report: {run.report}")
    if run.problems:
        raise typer.Exit(1)


@app.command("list")
def list_() -> None:
    """List the stored procedures with their latest as-is version."""
    with Session(_engine()) as session:
        for record, version in procedures(session):
            number = version or "-"
            typer.echo(f"{record.code}\t{record.level}\tversion {number}\t{record.name}")


@app.command()
def history(code: Annotated[str, typer.Argument(help="The procedure's code.")]) -> None:
    """List the stored versions of a procedure: as-is, proposed, approved."""
    with Session(_engine()) as session:
        versions = version_history(session, code)
        reviews = {r.approved_version_id: r for r in reviews_of(session, code)}
    if not versions:
        raise _fail(UnknownProcedure(f"{code} is not stored: import its file first"))
    for v in versions:
        parent = f" from {v.parent_id}" if v.parent_id else ""
        when = local_time(v.created_at)
        typer.echo(f"{v.id}\t{v.kind.value}{parent}\t{when}\t{v.source}")
        review = reviews.get(v.id)
        if review is not None:
            for line in review_lines(
                review.reviewer,
                review.decided_at,
                review.comment,
                review.proposed_version_id,
                review.decisions,
            ):
                typer.echo(f"\t{line}")  # fmt: skip


@app.command()
def diff(
    code: Annotated[str, typer.Argument(help="The procedure's code.")],
    a: Annotated[int, typer.Argument(help="A version id (tthc history CODE lists them).")],
    b: Annotated[int, typer.Argument(help="Another version id.")],
    lang: Annotated[str, typer.Option(help="vi (Vietnamese) or en (English).")] = "vi",
) -> None:
    """Show what changed from version A to version B: steps, documents, measures."""
    if lang not in ("vi", "en"):
        raise typer.BadParameter("use vi or en", param_hint="--lang")
    with Session(_engine()) as session:
        graphs = [version_graph(session, code, v) for v in (a, b)]
    for version, graph in zip((a, b), graphs, strict=True):
        if graph is None:
            message = f"{code} has no version {version}: `tthc history {code}` lists them"
            raise _fail(UnknownProcedure(message))
    before, after = (graph_from_json(g) for g in graphs if g is not None)
    for line in diff_lines(diff_versions(before, after), cast(Lang, lang)):
        typer.echo(line)


def _rule_params(items: list[str] | None) -> dict[str, dict[str, Any]]:
    """Parse `--param CODE.name=value` options into parameters per rule code."""
    params: dict[str, dict[str, Any]] = {}
    for item in items or []:
        key, equals, value = item.partition("=")
        code, dot, name = key.partition(".")
        if not (equals and dot and code and name):
            raise typer.BadParameter(
                f"'{item}': write CODE.name=value, a rule's code and one of its parameters "
                "(docs/rules.md)",
                param_hint="--param",
            )
        params.setdefault(code, {})[name] = yaml.safe_load(value)
    return params


def _analysis_of(
    target: str, rules: list[str] | None, params: list[str] | None = None
) -> tuple[ProcedureAnalysis, Inputs]:
    settings = get_settings()
    inputs = load_inputs(settings)
    path = Path(target)
    if path.is_file():
        (procedure,) = _load_valid([path]).values()
        G = to_graph(procedure)
    else:
        with Session(make_engine(settings.database_url)) as session:
            graph = latest_graph(session, target)
            if graph is None:
                raise typer.BadParameter(
                    f"'{target}' is neither a file nor a stored procedure code "
                    "(see `tthc list`, or `tthc import` it first)"
                )
            G = graph_from_json(graph)
    return analyze(G, get_rules(rules, _rule_params(params)), inputs.context), inputs


@app.command("analyze")
def analyze_(
    target: Annotated[str, typer.Argument(help="A procedure file, or the code of a stored one.")],
    out: Annotated[Path | None, typer.Option(help="Write before/after diagrams here.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False,
    rules: Rules = None,
    params: Params = None,
) -> None:
    """Re-engineer one procedure: before → after metrics, the changes, the diagrams."""
    try:
        analysis, inputs = _analysis_of(target, rules, params)
        with _writing(out):
            files = write_diagrams(out, analysis) if out else None
    except TthcError as error:
        raise _fail(error) from error
    summary = analysis.summary(inputs)
    if as_json:
        typer.echo(json.dumps(summary, ensure_ascii=False, indent=2))
        return
    typer.echo(f"{analysis.code} — {analysis.name}")
    for key, before in summary["before"].items():
        typer.echo(f"  {key:15} {before} → {summary['after'][key]}")
    measures = summary["measures"]
    for key in ("cost_per_dossier_vnd", "cost_per_year_vnd", *READINESS_KEYS, *_EXPECTED):
        typer.echo(f"  {key:20} {measures['before'][key]} → {measures['after'][key]}")
    typer.echo(f"{len(analysis.outcome.changes)} change(s):")
    for change in analysis.outcome.changes:
        typer.echo(f"  [{change.rule}] {', '.join(change.steps)}: {change.reason}")
    for refusal in analysis.outcome.refused:
        typer.echo(
            f"  refused [{refusal.change.rule}] ({refusal.guardrail}): {refusal.change.reason}"
        )
    if out and files:
        typer.echo(f"diagrams: {out / files.before_svg}, {out / files.after_svg}")


_EXPECTED = (
    "online_share",
    "expected_visits",
    "expected_cost_per_dossier_vnd",
    "expected_cost_per_year_vnd",
)
"""The expected figures `analyze` prints: over the online share and missing data."""


@app.command("export")
def export_(
    target: Annotated[str, typer.Argument(help="A stored procedure's code, or a procedure file.")],
    version: Annotated[
        str, typer.Option("--version", help="as-is, proposed (the rules' proposal) or approved.")
    ] = "as-is",
    format_: Annotated[str, typer.Option("--format", help="bpmn (BPMN 2.0 XML).")] = "bpmn",
    out: Annotated[Path | None, typer.Option("--out", help="The file to write.")] = None,
) -> None:
    """Write a procedure as a BPMN 2.0 model with its lanes and diagram (bpmn.io, Camunda
    Modeler): the as-is version, the proposal, or the version a reviewer approved."""
    if format_ != "bpmn":
        raise typer.BadParameter(f"format '{format_}': only bpmn is written")
    if version not in ("as-is", "proposed", "approved"):
        raise typer.BadParameter(f"version '{version}': as-is, proposed or approved")
    G = _version_graph(target, version)
    code = header_of(G)["code"]
    path = out or Path(f"{code}-{version}.bpmn")
    with _writing(path.parent):
        path.write_bytes(bpmn_xml(G, f"{header_of(G)['name']} ({_VERSION_WORDS[version]})"))
    typer.echo(f"{code}: {version} → {path}")


_VERSION_WORDS = {"as-is": "hiện trạng", "proposed": "đề xuất", "approved": "được duyệt"}


def _version_graph(target: str, version: str) -> Any:
    """The graph of `target`'s version: as-is from the file or the store; the proposal of
    the current rules; the approved version a reviewer's decision stored."""
    if version == "approved":
        with Session(_engine()) as session:
            approved = [v for v in version_history(session, target) if v.kind == "approved"]
            graph = version_graph(session, target, approved[-1].id) if approved else None
        if graph is None:
            raise _fail(UnknownProcedure(
                f"'{target}' has no approved version: a reviewer has not decided on its "
                "proposal (see `tthc history`)"))  # fmt: skip
        return graph_from_json(graph)
    analysis, _ = _analysis_of(target, None)
    return analysis.before if version == "as-is" else analysis.outcome.after


@app.command("layout")
def layout_(
    model: Annotated[Path, typer.Argument(help="A BPMN 2.0 file (.bpmn).")],
    out: Annotated[
        Path | None, typer.Option("--out", help="Where to write the laid-out model.")
    ] = None,
) -> None:
    """Write a BPMN model again with a fresh diagram: laid out with a lane per actor (a
    model with no layout, or one this engine changed, opens drawn)."""
    settings = get_settings()
    try:
        (draft,) = read_bpmn(model).drafts
        sources = load_data_sources(settings.data_sources_file)
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"{draft.code}.yaml"
            path.write_text(draft_yaml(draft), encoding="utf-8")
            procedure = load_procedure(path, sources)
    except TthcError as error:
        raise _fail(error) from error
    target = out or model.with_name(f"{model.stem}-laid-out.bpmn")
    with _writing(target.parent):
        target.write_bytes(fresh_diagram(parse_model(model), to_graph(procedure)))
    typer.echo(f"{model} → {target} ({len(procedure.steps)} steps, {len(procedure.actors)} lanes)")


@app.command("rules")
def rules_(
    markdown: Annotated[
        bool, typer.Option("--markdown", help="Print docs/rules.md, the whole catalogue.")
    ] = False,
) -> None:
    """List the rule catalogue in the order the engine applies it."""
    if markdown:
        typer.echo(catalogue_markdown(), nl=False)
        return
    for rule in get_rules():
        typer.echo(f"{rule.code}  {rule.name:34} {rule.reason_en}")


@app.command("whatif")
def whatif(
    connect: Annotated[
        list[str], typer.Option("--connect", help="Data source id to connect (repeatable).")
    ],
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Procedure files or folders (default: the bundled catalogue)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False,
) -> None:
    """What connecting a data source gains, procedure by procedure. Stores nothing."""
    settings = get_settings()
    procedures = _load_valid(paths or [settings.catalog_dir])
    try:
        inputs = load_inputs(settings)
        sources, costs = inputs.sources, inputs.costs
        gains = what_if(
            (to_graph(p) for p in procedures.values()), sources, connect, get_rules(), costs
        )
    except TthcError as error:
        raise _fail(error) from error
    if as_json:
        typer.echo(json.dumps([g.model_dump() for g in gains], ensure_ascii=False, indent=2))
        return
    names = ", ".join(sources[c].name for c in connect)
    typer.echo(f"Kết nối {names}: {len(gains)}/{len(procedures)} thủ tục thay đổi")
    for gain in gains:
        typer.echo(
            f"{gain.code:<14} {gain.name[:44]:44}  bỏ {len(gain.documents_dropped)} giấy tờ, "
            f"{len(gain.steps_removed)} bước  {_days_change(gain.days_saved_per_dossier)}  "
            f"{gain.vnd_saved_per_year:>15,} đ/năm"
        )
    total = sum(g.vnd_saved_per_year for g in gains)
    days = sum(g.dossier_days_saved_per_year for g in gains)
    typer.echo(
        f"Tổng: tiết kiệm {total:,} đ/năm; "
        f"{'giảm' if days >= 0 else 'tăng'} {abs(days):,.0f} ngày-hồ sơ/năm "
        f"(giả định chi phí: {settings.cost_settings_file.name} v{costs.version})"
    )


def _days_change(saved: float) -> str:
    """Days saved per dossier in words: a look-up that can miss may add a little time.

    >>> _days_change(0.96), _days_change(-0.04)
    ('giảm 0,96 ngày', 'tăng 0,04 ngày')
    """
    return f"{'giảm' if saved >= 0 else 'tăng'} {number(abs(saved), 'vi', 2)} ngày"


@app.command("report")
def report_(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Procedure files or folders (default: the bundled catalogue)."),
    ] = None,
    every: Annotated[
        bool, typer.Option("--all", help="Every procedure, not only the 25 essential services.")
    ] = False,
    lang: Annotated[str, typer.Option(help="vi (Vietnamese) or en (English).")] = "vi",
    out: Annotated[Path | None, typer.Option(help="Output folder (default: out/).")] = None,
) -> None:
    """Write the consolidated review report: HTML, XLSX, CSV and a Markdown summary."""
    if lang not in ("vi", "en"):
        raise typer.BadParameter("use vi or en", param_hint="--lang")
    settings = get_settings()
    root = out or settings.out_dir
    selected = _selection(paths, every)
    try:
        inputs = load_inputs(settings)
        analyses = [analyze(to_graph(p), get_rules(), inputs.context) for p in selected]
        with _writing(root):
            diagrams = {a.code: write_diagrams(root, a) for a in analyses}
            rows = [procedure_report(a.header, a.result(inputs)) for a in analyses]
            report = assemble_report(rows, inputs.costs, RULES_VERSION)
            published = publish_report(root, report, diagrams, (cast(Lang, lang),))
    except TthcError as error:
        raise _fail(error) from error
    files = published[cast(Lang, lang)]
    typer.echo(f"{len(analyses)} procedures: {files.html}")
    typer.echo(f"  {files.xlsx}\n  {files.csv}\n  {files.markdown}")


@app.command("plan")
def plan_(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Procedure files or folders (default: the bundled catalogue)."),
    ] = None,
    every: Annotated[
        bool, typer.Option("--all", help="Every procedure, not only the 25 essential services.")
    ] = False,
    out: Annotated[Path | None, typer.Option(help="Output folder (default: out/).")] = None,
) -> None:
    """Write what the province submits, in Vietnamese: the simplification plan, a
    restructuring plan per procedure and the proposed internal process (Word, Excel)."""
    settings = get_settings()
    root = out or settings.out_dir
    selected = _selection(paths, every)
    try:
        inputs = load_inputs(settings)
        plan_settings = load_plan_settings(settings.plan_settings_file)
        analyses = [analyze(to_graph(p), get_rules(), inputs.context) for p in selected]
        with _writing(root):
            diagrams = {a.code: write_diagrams(root, a) for a in analyses}
            entries = plan_entries(analyses, inputs, plan_settings, root, diagrams)
            files = publish_plans(root, entries)
    except TthcError as error:
        raise _fail(error) from error
    typer.echo(f"{len(entries)} procedures:")
    typer.echo(f"  {root / files.simplification}")
    typer.echo(f"  {root / files.internal_process_docx}\n  {root / files.internal_process_xlsx}")
    typer.echo(f"  {len(files.restructuring)} restructuring plans in {root / 'plans/tai-cau-truc'}")


@app.command()
def demo(
    out: Annotated[Path | None, typer.Option(help="Output folder (default: out/).")] = None,
) -> None:
    """Run the re-engineering flow over the bundled catalogue and print a summary."""
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    if out is not None:  # the operator's own folder: the flow's output folder for this run
        os.environ["TTHC_OUT_DIR"] = str(out.resolve())
        get_settings.cache_clear()
    _preflight(get_settings().out_dir)
    from flows.reengineer import reengineer_catalog

    state = reengineer_catalog(return_state=True)
    if not state.is_completed():  # the run's one sentence (the log has the rest)
        typer.echo(f"error: {state.message}", err=True)
        raise typer.Exit(1)
    result = cast("dict[str, Any]", state.result())
    for row in result["procedures"]:
        b, a = row["before"], row["after"]
        typer.echo(
            f"{row['code']:<14} {row['name'][:48]:48}  bước {b['steps']}→{a['steps']}  "
            f"lượt {b['visits']}→{a['visits']}  giấy tờ {b['documents']}→{a['documents']}  "
            f"ngày {number(b['lead_time_days'], 'vi', 2)}→{number(a['lead_time_days'], 'vi', 2)}  "
            f"({row['changes']} thay đổi)"
        )
    typer.echo(f"\n{len(result['procedures'])} procedures; {result['new_analyses']} new analyses.")
    typer.echo(f"Review page: {result['index']}")
    typer.echo(f"Report: {result['report']}")
    if result["plans"]:
        typer.echo(f"Plans: {result['plans']} (and beside it, the internal process and the")
        typer.echo("  restructuring plans: Word, Excel)")


def _preflight(out_dir: Path) -> None:
    """Check what a flow needs before Prefect starts, so that a missing `dot`, a store
    that cannot be opened or an output folder that cannot be written is one sentence."""
    _engine().dispose()
    try:
        require_dot()
        with _writing(out_dir):
            out_dir.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryFile(dir=out_dir):
                pass
    except TthcError as error:
        raise _fail(error) from error


def _stack() -> Stack:
    settings = get_settings()
    home = Path(os.environ.get("PREFECT_HOME", PROJECT_ROOT / "var" / "prefect"))
    return Stack(
        project=PROJECT_ROOT,
        home=home,
        port=settings.ui_port,
        site_port=settings.site_port,
        out_dir=settings.out_dir,
        drafts_dir=PROJECT_ROOT / "var" / "drafts",
        shards_at_once=settings.shards_at_once,
    )


@app.command()
def serve() -> None:
    """Start a Prefect server, the work pool, the deployments, a worker and the review site
    with its upload page, on TTHC_UI_PORT and TTHC_SITE_PORT (127.0.0.1); refuse, starting
    nothing, while they are taken or this stack already runs."""
    stack = _stack()
    try:
        check(stack)
        typer.echo("Starting the Prefect server (about 15 s)…")
        start(stack)
    except TthcError as error:
        raise _fail(error) from error
    typer.echo(f"Prefect UI:   {stack.ui_url}")
    typer.echo(f"Review site:  {stack.site_url}")
    typer.echo(f"Upload page:  {stack.upload_url}   (saves to {stack.drafts})")
    typer.echo(f"Logs:         {stack.run_dir}/*.log   (stop with `make stop`)")


@app.command()
def stop() -> None:
    """Stop what `tthc serve` started: the worker and its flow runs, the review site, the
    Prefect server; and say what was stopped."""
    stopped = [str(part) for part in shut_down(_stack())]
    typer.echo(f"Stopped: {'; '.join(stopped)}." if stopped else "Nothing was running.")
