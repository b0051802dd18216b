"""Benchmark: the plans of the 25 essential services (Word and Excel), diagrams drawn
once beforehand; then LibreOffice converting the three kinds of document to PDF.

Run: `uv run python bench/bench_plans.py`. Prints figures; asserts nothing.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from analysis.result import analyze
from diagrams.figures import write_diagrams
from inputs.files import find_procedure_files, load_procedures
from inputs.registry import load_inputs, load_plan_settings
from inputs.settings import get_settings
from models.graph import to_graph
from publishing.plan_docs import plan_entries, publish_plans
from rules import get_rules

REPEATS = 5


def main() -> None:
    settings = get_settings()
    inputs = load_inputs(settings)
    plan_settings = load_plan_settings(settings.plan_settings_file)
    essential = settings.catalog_dir / "essential"
    procedures = load_procedures(find_procedure_files([essential]), inputs.sources)
    analyses = [analyze(to_graph(p), get_rules(), inputs.context) for p in procedures.values()]
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        started = time.perf_counter()
        diagrams = {a.code: write_diagrams(out, a) for a in analyses}
        drawing = time.perf_counter() - started
        rounds = []
        for _ in range(REPEATS):
            started = time.perf_counter()
            files = publish_plans(out, plan_entries(analyses, inputs, plan_settings, out, diagrams))
            rounds.append(time.perf_counter() - started)
        sizes = sum(p.stat().st_size for p in (out / "plans").rglob("*") if p.is_file())
        print(f"procedures: {len(analyses)}; their diagrams drawn once: {drawing:.1f} s")
        print(
            f"plans (1 simplification plan, {len(files.restructuring)} restructuring plans, "
            f"internal process .docx + .xlsx): median {statistics.median(rounds):.2f} s, "
            f"{sizes / 1e6:.1f} MB"
        )
        if shutil.which("soffice"):
            documents = [
                out / files.simplification,
                out / files.internal_process_docx,
                out / files.restructuring[analyses[0].code],
            ]
            started = time.perf_counter()
            subprocess.run(
                ["soffice", "--headless", "--convert-to", "pdf", "--outdir", folder,
                 *map(str, documents)],
                capture_output=True, check=True, timeout=600,
            )  # fmt: skip
            print(f"LibreOffice, the three kinds to PDF: {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
