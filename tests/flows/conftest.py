"""One Prefect server for the flow tests, stopped when they are done.

Package scope, not session: the client's background services keep running
while the harness lives, and their use of the `random` module would then
disturb the property tests that follow.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from prefect.testing.utilities import prefect_test_harness


@pytest.fixture(scope="package")
def prefect_server() -> Iterator[None]:
    """Start the server once; it takes about 15 s here."""
    with prefect_test_harness(server_startup_timeout=180):
        yield
