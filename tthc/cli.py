"""The `tthc` command line: validate, import, analyze, list, demo."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from models.errors import InvalidProcedure
from models.files import find_procedure_files, load_data_sources, load_procedures
from tthc.settings import get_settings

app = typer.Typer(help="Re-engineer Vietnamese administrative procedures (TTHC).", no_args_is_help=True)

Paths = Annotated[list[Path], typer.Argument(help="Procedure files (YAML/JSON) or folders.")]


@app.command()
def validate(paths: Paths) -> None:
    """Check procedure files and report every problem at once."""
    files = find_procedure_files(paths)
    sources = load_data_sources(get_settings().data_sources_file)
    try:
        loaded = load_procedures(files, sources)
    except InvalidProcedure as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(1) from error
    typer.echo(f"{len(loaded)} procedure file(s) valid.")


@app.callback()
def main() -> None:
    """Re-engineer Vietnamese administrative procedures (TTHC)."""
