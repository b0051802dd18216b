"""The entry points: the `tthc` command and `tthc serve`.

Prefect's anonymous usage statistics are off wherever `tthc` starts Prefect (set before
Prefect is imported; an explicit setting in the environment wins).
"""

import os

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
