"""The resource sampler: CPU, memory and NVIDIA GPUs, as gauges and as rows for reports.

`sample_resources` reads the host (or its container's memory limit), one watched process
and every GPU NVML sees. `ResourceSampler` calls it every `interval_s`, sets the catalog
gauges, and keeps the latest readings in `resource_sample` every `persist_interval_s`.
"""

import asyncio
import logging
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import psutil
import pynvml
from sqlalchemy import insert

from collector.process_watch import family_pids, find_process
from metrics.failures import cancelled_here, describe
from metrics.instruments import Instruments
from metrics.store.database import Store
from metrics.store.tables import ResourceSample
from metrics.types import utc_now

log = logging.getLogger("valuewatch.collector")
CGROUP_ROOT = Path("/sys/fs/cgroup")

# Each gauge and how to read it from an NVML device handle, in base units.
GPU_GAUGES: tuple[tuple[str, Callable[[Any], float]], ...] = (
    ("valuewatch_gpu_utilization_ratio",
     lambda handle: pynvml.nvmlDeviceGetUtilizationRates(handle).gpu / 100),
    ("valuewatch_gpu_memory_used_bytes",
     lambda handle: pynvml.nvmlDeviceGetMemoryInfo(handle).used),
    ("valuewatch_gpu_memory_total_bytes",
     lambda handle: pynvml.nvmlDeviceGetMemoryInfo(handle).total),
    ("valuewatch_gpu_power_watts",  # NVML reports milliwatts
     lambda handle: pynvml.nvmlDeviceGetPowerUsage(handle) / 1000),
    ("valuewatch_gpu_temperature_celsius",
     lambda handle: pynvml.nvmlDeviceGetTemperature(handle, pynvml.NVML_TEMPERATURE_GPU)),
)


PROCESS_GPU_MEMORY = "valuewatch_process_gpu_memory_used_bytes"


def process_gpu_memory(handle: Any, pids: set[int]) -> int | None:
    """Bytes of the GPU `handle` held by the processes `pids`, or None when NVML cannot say.

    NVML lists compute and graphics processes by the pid of the driver's namespace: in a
    container, the sidecar must share the host's or the pod's view for the pids to match.
    """
    try:
        running = [*pynvml.nvmlDeviceGetComputeRunningProcesses(handle),
                   *pynvml.nvmlDeviceGetGraphicsRunningProcesses(handle)]
    except pynvml.NVMLError:
        return None
    held = {p.pid: p.usedGpuMemory for p in running if p.pid in pids and p.usedGpuMemory}
    return sum(held.values())


@dataclass(frozen=True)
class Reading:
    """One value of one catalog gauge; `device` is the GPU index, or "" for host and process."""

    name: str
    value: float
    device: str = ""


class GpuProbe:
    """NVML, opened once: the GPUs it sees, read on demand."""

    def __init__(self, count: int) -> None:
        self.count = count

    @classmethod
    def open(cls) -> "GpuProbe | None":
        """NVML when a driver and at least one GPU are there; otherwise None, said once."""
        try:
            pynvml.nvmlInit()
        except pynvml.NVMLError as exc:
            log.info("GPU sampling is off: NVML is not available (%s)", exc)
            return None
        try:
            count = pynvml.nvmlDeviceGetCount()
        except pynvml.NVMLError:
            count = 0
        if count == 0:
            pynvml.nvmlShutdown()
            log.info("GPU sampling is off: NVML sees no GPU")
            return None
        log.info("GPU sampling is on for %d GPU(s)", count)
        return cls(count)

    def readings(self, pids: set[int] | None = None) -> list[Reading]:
        """Every gauge of every GPU, and the memory the processes `pids` hold on each; a
        gauge a GPU does not support (e.g. power) is left out."""
        readings = []
        for index in range(self.count):
            handle = pynvml.nvmlDeviceGetHandleByIndex(index)
            for name, read in GPU_GAUGES:
                try:
                    readings.append(Reading(name, float(read(handle)), str(index)))
                except pynvml.NVMLError:
                    continue
            if pids:
                held = process_gpu_memory(handle, pids)
                if held is not None:
                    readings.append(Reading(PROCESS_GPU_MEMORY, float(held), str(index)))
        return readings

    def close(self) -> None:
        """Release NVML."""
        pynvml.nvmlShutdown()


def cgroup_memory(root: Path = CGROUP_ROOT) -> tuple[int, int] | None:
    """(used, limit) bytes of this cgroup (v2) when it has a memory limit, else None.

    Used is the working set, as the kubelet counts it: usage less inactive file cache.
    """
    try:
        limit = (root / "memory.max").read_text().strip()
        if limit == "max":
            return None
        current = int((root / "memory.current").read_text())
        stat = dict(line.split() for line in (root / "memory.stat").read_text().splitlines())
        inactive = int(stat.get("inactive_file", 0))
    except (OSError, ValueError):
        return None
    return max(current - inactive, 0), int(limit)


def cgroup_cpus(root: Path = CGROUP_ROOT) -> float | None:
    """The CPUs this cgroup (v2) may use, from its quota (`cpu.max`), or None unlimited."""
    try:
        quota, period = (root / "cpu.max").read_text().split()
        if quota == "max":
            return None
        return int(quota) / int(period)
    except (OSError, ValueError):
        return None


def available_cpus(cgroup_root: Path = CGROUP_ROOT) -> float:
    """The CPUs a process here can use: the container's quota, else the host's CPUs."""
    host = float(psutil.cpu_count() or 1)
    quota = cgroup_cpus(cgroup_root)
    return host if quota is None else min(quota, host)


def host_readings(cgroup_root: Path = CGROUP_ROOT) -> list[Reading]:
    """CPU utilisation since the previous call, and memory of the host or its container."""
    memory = psutil.virtual_memory()
    used, total = memory.total - memory.available, memory.total
    limited = cgroup_memory(cgroup_root)
    if limited is not None and limited[1] < total:
        used, total = limited
    return [
        Reading("valuewatch_host_cpu_utilization_ratio", _ratio(psutil.cpu_percent(None) / 100)),
        Reading("valuewatch_host_memory_used_bytes", float(used)),
        Reading("valuewatch_host_memory_total_bytes", float(total)),
    ]


def process_readings(process: psutil.Process, cgroup_root: Path = CGROUP_ROOT) -> list[Reading]:
    """CPU share (of the CPUs the container's quota allows, else the host's) since the
    previous call, and resident memory."""
    with process.oneshot():
        cpu = process.cpu_percent(None) / 100 / available_cpus(cgroup_root)
        resident = process.memory_info().rss
    return [
        Reading("valuewatch_process_cpu_utilization_ratio", _ratio(cpu)),
        Reading("valuewatch_process_resident_memory_bytes", float(resident)),
    ]


def sample_resources(
    process: psutil.Process | None, gpus: GpuProbe | None, cgroup_root: Path = CGROUP_ROOT
) -> list[Reading]:
    """One reading of every resource gauge that can be read here."""
    readings = host_readings(cgroup_root)
    if process is not None:
        readings += process_readings(process, cgroup_root)
    if gpus is not None:
        readings += gpus.readings(None if process is None else family_pids(process))
    return readings


def persist_readings(store: Store, readings: list[Reading], *, host: str, at: datetime) -> None:
    """Add `readings` to `resource_sample` in one transaction (blocking: call it in a thread)."""
    rows = [
        {"timestamp": at, "host": host, "name": r.name, "device": r.device, "value": r.value}
        for r in readings
    ]
    with store.engine.begin() as connection:
        connection.execute(insert(ResourceSample.__table__), rows)  # type: ignore[arg-type]


def _ratio(value: float) -> float:
    # Rounding in the kernel's accounting can put a busy CPU a hair above 100 %.
    return min(max(value, 0.0), 1.0)


class ResourceSampler:
    """An async context manager: samples every `interval_s`, persists every `persist_interval_s`.

    The first readings come one interval after start: CPU utilisation is measured between
    two calls, so the start only primes it.
    """

    def __init__(
        self, store: Store, instruments: Instruments, *, interval_s: float,
        persist_interval_s: float, pid: int | None = None, process_name: str | None = None,
        cgroup_root: Path = CGROUP_ROOT,
    ) -> None:
        self._store = store
        self._instruments = instruments
        self._interval_s = interval_s
        self._persist_interval_s = persist_interval_s
        self._pid = pid
        self._process_name = process_name  # found, and found again, by name when set
        self._missing_said = False
        self._cgroup_root = cgroup_root
        self._host = socket.gethostname()
        self._process: psutil.Process | None = None
        self._gpus: GpuProbe | None = None
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> "ResourceSampler":
        if self._process_name is None:
            self._process = await asyncio.to_thread(_watched_process, self._pid)
        self._gpus = await asyncio.to_thread(GpuProbe.open)
        await asyncio.to_thread(self._sample)
        self._task = asyncio.create_task(self._run(), name="valuewatch-resource-sampler")
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self._stop.set()
        if self._task is not None:
            await self._task
        if self._gpus is not None:
            await asyncio.to_thread(self._gpus.close)

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        persisted_at: float | None = None
        while not await self._stopped_within(self._interval_s):
            try:
                readings = await asyncio.to_thread(self._sample)
                self._export(readings)
                if persisted_at is None or loop.time() - persisted_at >= self._persist_interval_s:
                    persisted_at = loop.time()
                    await asyncio.to_thread(
                        persist_readings, self._store, readings, host=self._host, at=utc_now()
                    )
            except BaseException as exc:  # noqa: BLE001 - a failed sample must not stop the next
                if cancelled_here(exc):
                    raise
                log.warning("resource sample failed: %s", describe(exc))

    def _sample(self) -> list[Reading]:
        if self._process is None and self._process_name is not None:
            self._process = self._find(self._process_name)
        try:
            return sample_resources(self._process, self._gpus, self._cgroup_root)
        except psutil.NoSuchProcess:
            watched = self._process.pid if self._process is not None else self._pid
            log.warning("watched process %s has exited; sampling the host only", watched)
            self._process = None
            return sample_resources(None, self._gpus, self._cgroup_root)

    def _find(self, name: str) -> psutil.Process | None:
        found = find_process(name)
        if found is not None:
            log.info("watching process %s (%s)", found.pid, name)
            self._missing_said = False
        elif not self._missing_said:
            log.warning("no process named %s yet; sampling the host only", name)
            self._missing_said = True
        return found

    async def _stopped_within(self, seconds: float) -> bool:
        try:
            await asyncio.wait_for(self._stop.wait(), seconds)
        except TimeoutError:
            return False
        return True

    def _export(self, readings: list[Reading]) -> None:
        for reading in readings:
            gauge = self._instruments[reading.name]
            (gauge.labels(gpu=reading.device) if reading.device else gauge).set(reading.value)


def _watched_process(pid: int | None) -> psutil.Process | None:
    try:
        return psutil.Process(pid)
    except psutil.Error as exc:
        log.warning("cannot watch process %s (%s); sampling the host only", pid, exc)
        return None
