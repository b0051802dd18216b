"""Benchmark: the review site of a large catalogue, a tenth of it decided by reviewers.

Generates procedures of 8-40 steps (10,000 by default), analyses and stores them, decides
one proposal in ten (every other change rejected), then measures what writing the site
costs, part by part, as `flows.tasks.publish_site` does it:

- reading the current analyses, decisions and versions from the store;
- re-making the approved versions (the engine restricted to the accepted changes);
- the semantic diffs of every page (as on the first night) and of one page in a hundred
  (an ordinary night);
- writing the HTML pages and the index.

Diagrams are left out (drawn once per decision; see bench_diagrams.py for their cost).
Run: `uv run python bench/bench_site.py [count]`. Prints figures; asserts nothing.
"""

from __future__ import annotations

import itertools
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlmodel import Session

from analysis.result import signature
from analysis.review import Decision, ReviewDecision, Verdict
from diagrams.figures import diagram_files
from inputs.registry import load_inputs
from inputs.settings import get_settings
from jobs.batches import analyse_versions, store_batch
from jobs.review import approved_versions, version_diffs
from publishing.site import SiteEntry, write_site
from rules import RULES_VERSION, get_rules
from store.engine import make_engine
from store.queries import current_results, import_procedures, outdated
from store.reviews import current_reviews, current_versions, store_review
from tests.synthetic import random_catalogue

DECIDED_EVERY = 10


def _seconds(since: float) -> str:
    return f"{time.perf_counter() - since:.1f} s"


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    settings = get_settings()
    inputs, rules = load_inputs(settings), get_rules()
    rules_signature = signature(rules)
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        engine = make_engine(f"sqlite:///{out / 'store.db'}")
        started = time.perf_counter()
        with Session(engine) as session:
            generated = ((p.code, p) for p in random_catalogue(count, seed=5))
            while chunk := list(itertools.islice(generated, 1000)):
                import_procedures(session, chunk)
                session.commit()
            todo = [t.version_id for t in outdated(session, rules_signature, inputs.key)]
            for i in range(0, len(todo), 500):
                batch = todo[i : i + 500]
                analysed = list(analyse_versions(session, batch, rules, inputs, settings.workers))
                store_batch(session, analysed, inputs)
                session.commit()
            results = current_results(session, rules_signature, inputs.key)
            versions = current_versions(session, rules_signature, inputs.key)
            decided = 0
            for result in results[::DECIDED_EVERY]:
                verdicts = tuple(
                    Decision(c.key, Verdict.reject if i % 2 else Verdict.accept, "giữ lại")
                    for i, c in enumerate(result.changes)
                )
                as_is, proposed = versions[result.code]
                made = approved_versions(
                    session,
                    {as_is: ReviewDecision("Bench", "", datetime.now(UTC), verdicts)},
                    rules,
                    inputs,
                )[as_is]
                store_review(
                    session,
                    as_is_version_id=as_is,
                    proposed_version_id=proposed,
                    approved=made.analysis.proposal(),
                    review=made.review,
                    decisions=[
                        {
                            "rule": d.key[0],
                            "steps": list(d.key[1]),
                            "documents": list(d.key[2]),
                            "verdict": d.verdict.value,
                            "reason": d.reason,
                        }
                        for d in verdicts
                    ],
                    rules_signature=rules_signature,
                    sources_hash=inputs.sources_key,
                )
                decided += 1
            session.commit()
        print(
            f"{count} procedures generated, analysed, stored; {decided} decided: "
            f"{_seconds(started)}"
        )

        with Session(engine) as session:
            started = time.perf_counter()
            reviews = current_reviews(session, rules_signature, inputs.key)
            results = current_results(session, rules_signature, inputs.key)
            versions = current_versions(session, rules_signature, inputs.key)
            print(f"read analyses, decisions and versions: {_seconds(started)}")
            started = time.perf_counter()
            by_version = {versions[c][0]: r for c, r in reviews.items()}
            approved = approved_versions(session, by_version, rules, inputs)
            print(f"re-make {len(approved)} approved versions: {_seconds(started)}")
            started = time.perf_counter()
            version_diffs(session, versions)
            print(f"diffs of all {len(versions)} pages (first night): {_seconds(started)}")
            some = dict(list(versions.items())[::100])
            started = time.perf_counter()
            version_diffs(session, some)
            print(f"diffs of {len(some)} pages (an ordinary night): {_seconds(started)}")
        by_code = {m.analysis.code: m for m in approved.values()}
        entries = [
            SiteEntry(
                by_code[r.code].analysis.result(inputs),
                by_code[r.code].diagrams,
                by_code[r.code].review,
                proposal=r,
                proposal_diagrams=diagram_files(r.code, r.essential),
            )
            if r.code in by_code
            else SiteEntry(r, diagram_files(r.code, r.essential))
            for r in results
        ]
        started = time.perf_counter()
        write_site(out, entries, RULES_VERSION)
        print(f"write {len(entries)} pages and the index: {_seconds(started)}")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak memory of this process: {peak:.0f} MiB")
        engine.dispose()


if __name__ == "__main__":
    main()
