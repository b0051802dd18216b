"""What runs hand to the Prefect UI: artifact keys that are stable and allowed."""

from __future__ import annotations

from flows.artifacts import artifact_key


def test_keys_are_stable_and_allowed() -> None:
    assert artifact_key("1.001193") == "procedure-1-001193"
    assert artifact_key("ESS17-BHYT-HGD") == "procedure-ess17--bhyt--hgd"  # not ess17.bhyt.hgd
