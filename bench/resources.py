"""What /proc says about a server's process tree (peak RSS, CPU time) and about the machine."""

from __future__ import annotations

import os
import resource
from contextlib import suppress
from pathlib import Path


def process_tree(pid: int) -> list[int]:
    """`pid` and its descendants (uvicorn's workers when there are several)."""
    pids, index = [pid], 0
    while index < len(pids):
        for children in Path(f"/proc/{pids[index]}/task").glob("*/children"):
            with suppress(OSError):
                pids.extend(int(child) for child in children.read_text().split())
        index += 1
    return pids


def peak_rss_mb(pid: int) -> float | None:
    """The peak resident set (VmHWM) of the process tree, in MB; None where /proc lacks it."""
    return status_mb(pid, "VmHWM:")


def rss_mb(pid: int) -> float | None:
    """The resident set (VmRSS) of the process tree now, in MB; None where /proc lacks it."""
    return status_mb(pid, "VmRSS:")


def status_mb(pid: int, field: str) -> float | None:
    total_kb, found = 0, False
    for each in process_tree(pid):
        try:
            for line in Path(f"/proc/{each}/status").read_text().splitlines():
                if line.startswith(field):
                    total_kb += int(line.split()[1])
                    found = True
        except OSError:
            pass
    return total_kb / 1024 if found else None


def cpu_seconds(pid: int) -> float:
    """CPU-seconds (user + system, all threads) the process tree has used so far."""
    total = 0
    for each in process_tree(pid):
        try:
            fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def reset_peak_rss(pid: int) -> bool:
    """Start a new VmHWM window (Linux: write 5 to clear_refs; needs owning the process)."""
    try:
        for each in process_tree(pid):
            Path(f"/proc/{each}/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def machine_busy_seconds() -> float:
    """CPU-seconds the whole machine has spent busy since boot (/proc/stat)."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(value) for value in fields[:8])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def own_cpu_seconds() -> float:
    """CPU-seconds of this process and its waited-for children (servers, wrk)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
