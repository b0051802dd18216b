"""The pages runs show in the Prefect UI, built without Prefect: escaped text from the
procedure files, images scaled, stable keys, and the nightly summary."""

from __future__ import annotations

import base64

from analysis.result import AnalysisResult
from diagrams.figures import diagram_files
from models.measures import Measures
from publishing.site import SiteEntry
from publishing.ui_pages import Reanalysed, inline_svg, procedure_markdown, summary_markdown
from rules import Change

MEASURES = Measures(
    steps=10, handoffs=6, visits=3, documents=5, lead_time_days=1.29, value_added_share=0.29,
    cost_per_dossier_vnd=709_442, cost_per_year_vnd=6_384_978_000, full_online=False,
    online_payment=False, electronic_result=False, documents_reused=0, critical_path=["Nộp"],
)  # fmt: skip


def test_images_are_scaled_to_the_width_asked() -> None:
    svg = b'<?xml version="1.0"?>\n<svg width="400pt" height="1000pt" viewBox="0 0 400 1000">'
    url = inline_svg(svg, 200)
    text = base64.b64decode(url.removeprefix("data:image/svg+xml;base64,")).decode()
    assert '<svg width="200px" height="500px" viewBox="0 0 400 1000">' in text


def test_text_from_procedure_files_cannot_become_markup() -> None:
    hostile = "Tên <script>alert(1)</script> ![x](javascript:y) | cột"
    result = AnalysisResult(
        code="9.999999",
        name=hostile,
        essential=None,
        rules_signature="4:",
        before=MEASURES,
        after=MEASURES,
        changes=(Change("XX01", ("s",), hostile, hostile),),
    )
    entry = SiteEntry(result, diagram_files("9.999999", 1))
    page = procedure_markdown(entry, "data:a", "data:b")
    assert "<script>" not in page and "](javascript:" not in page
    assert "Tên \\<script\\>alert\\(1\\)\\</script\\>" in page
    assert "## Sơ đồ hiện trạng\n![Sơ đồ hiện trạng](data:a)" in page


def test_the_summary_counts_by_reason_and_shows_what_moved() -> None:
    moved = MEASURES.model_copy(update={"steps": 8})
    done = [
        Reanalysed("1.1", "Một", "content", 1, MEASURES, moved, True),
        Reanalysed("1.2", "Hai", "new", 2, None, moved, True),
    ]
    summary = summary_markdown(done, skipped=34)
    assert "Phân tích lại **2** thủ tục; **34** thủ tục không đổi" in summary
    assert "- nội dung thủ tục thay đổi: 1" in summary and "- thủ tục mới: 1" in summary
    assert "| 1.1 | Một | nội dung thủ tục thay đổi | 10 → 8 |" in summary
    assert "| 1.2 | Hai | thủ tục mới | 8 |" in summary


def test_the_summary_never_counts_what_another_run_stored_as_its_own() -> None:
    done = [
        Reanalysed("1.1", "Một", "content", 1, None, MEASURES, True),
        Reanalysed("1.2", "Hai", "content", 2, None, MEASURES, False),
    ]
    summary = summary_markdown(done, skipped=3)
    assert "Phân tích lại **1** thủ tục; **3** thủ tục không đổi nên bỏ qua. **1** thủ tục" in (
        summary
    )
    assert "- nội dung thủ tục thay đổi: 1" in summary
    assert "| 1.2 | Hai | đã được lần chạy khác phân tích |" in summary
