"""The nightly's work on a list of outdated versions, batch by batch: what the nightly
run does in its own process, and what each shard of a sharded night does."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from analysis.result import Inputs
from flows.parameters import OutputOptions
from flows.tasks import analyse, opaque, publish_pages, store
from publishing.site import SiteEntry
from publishing.ui_pages import Reanalysed
from store.queries import Outdated

__all__ = ["TABLE_ROWS", "work_through"]

TABLE_ROWS = 1000
"""Procedures listed in the run's table artifact (the summary counts them all)."""


def work_through(
    database_url: str,
    out_dir: str,
    todo: Sequence[Outdated],
    inputs: Inputs,
    output: OutputOptions,
    batch_size: int,
    night: str | None = None,
    on_batch: Callable[[int], None] | None = None,
) -> tuple[list[Reanalysed], list[SiteEntry]]:
    """Analyse `todo` in batches (in worker processes) while the batch before is stored,
    rendering the diagrams and the UI pages the `output` asks for; credit what is stored
    to `night` when given; call `on_batch` with the count done after each batch. Return
    what changed for each procedure, and the first `TABLE_ROWS` as site entries."""
    reasons = {item.version_id: item for item in todo}
    batches = [
        [item.version_id for item in todo[start : start + batch_size]]
        for start in range(0, len(todo), batch_size)
    ]
    rendered = out_dir if output.diagrams else None
    done: list[Reanalysed] = []
    entries: list[SiteEntry] = []
    pending = [analyse.submit(database_url, batch, None, inputs, rendered) for batch in batches[:1]]
    for number, batch in enumerate(batches):
        if number + 1 < len(batches):
            upcoming = batches[number + 1]
            pending.append(analyse.submit(database_url, upcoming, None, inputs, rendered))
        analysed = pending.pop(0).result()
        mine = opaque({v: reasons[v] for v in batch})
        done += store(database_url, opaque(analysed), inputs, mine, night)
        if output.diagrams and output.artifacts:
            publish_pages(opaque(analysed), out_dir, output)
        room = TABLE_ROWS - len(entries)  # the run's table lists the first procedures only
        entries += [SiteEntry(a.result, a.diagrams) for a in analysed[:room]]
        if on_batch is not None:
            on_batch(len(done))
    return done, entries
