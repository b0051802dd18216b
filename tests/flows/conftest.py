"""One Prefect server for every flow test of the session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from prefect.testing.utilities import prefect_test_harness


@pytest.fixture(scope="session")
def prefect_server() -> Iterator[None]:
    """Start the server once; it takes about 15 s here."""
    with prefect_test_harness(server_startup_timeout=180):
        yield
