"""What the benchmarks say of the machine they ran on (bench/load.py, bench/scale.py)."""

from __future__ import annotations

import os
import platform
from pathlib import Path


def machine() -> str:
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    return f"{os.cpu_count()} CPU ({model}), Python {platform.python_version()}, {platform.system()}"


def machine_busy_seconds() -> float:
    """CPU seconds spent by the whole machine (all cores, every process) so far."""
    jiffies = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(jiffies[:8]) - jiffies[3] - jiffies[4]) / os.sysconf("SC_CLK_TCK")
