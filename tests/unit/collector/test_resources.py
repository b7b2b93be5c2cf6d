"""The resource sampler: sane host and process readings, GPUs off without NVML, rows kept."""

import logging
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import psutil
import pytest
from fastapi.testclient import TestClient
from prometheus_client import CollectorRegistry
from sqlmodel import Session, select

from collector.app import create_app
from collector.resources import (
    GpuProbe,
    Reading,
    cgroup_cpus,
    cgroup_memory,
    sample_resources,
)
from metrics.settings import Settings
from metrics.store.database import Store
from metrics.store.tables import ResourceSample

GIB = 1024**3
HOST_AND_PROCESS = {
    "valuewatch_host_cpu_utilization_ratio", "valuewatch_host_memory_used_bytes",
    "valuewatch_host_memory_total_bytes", "valuewatch_process_cpu_utilization_ratio",
    "valuewatch_process_resident_memory_bytes",
}


def by_name(readings: list[Reading]) -> dict[str, float]:
    assert all(reading.device == "" for reading in readings)
    return {reading.name: reading.value for reading in readings}


def wait_for(condition: Callable[[], bool], seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the sampler did not get there in time"
        time.sleep(0.02)


def samples(store: Store) -> list[ResourceSample]:
    with Session(store.engine) as session:
        return list(session.exec(select(ResourceSample)).all())


@pytest.fixture
def sampling_client(
    store: Store, registry: CollectorRegistry
) -> Iterator[Callable[..., TestClient]]:
    """Starts the collector with the sampler's settings a test picks."""
    with ExitStack() as running:

        def start(**sampler: object) -> TestClient:
            settings = Settings(database_url=str(store.engine.url), **sampler)
            return running.enter_context(TestClient(create_app(settings, store, registry)))

        yield start


def test_host_and_process_readings_are_ratios_and_sane_byte_counts() -> None:
    process = psutil.Process()
    sample_resources(process, None)  # the first call only starts the CPU clocks
    # Burn 50 ms of CPU, well above the clock's tick, so the process ratio cannot read 0.
    started = time.process_time()
    while time.process_time() - started < 0.05:
        pass
    readings = by_name(sample_resources(process, None))

    assert set(readings) == HOST_AND_PROCESS
    assert 0 <= readings["valuewatch_host_cpu_utilization_ratio"] <= 1
    assert 0 < readings["valuewatch_process_cpu_utilization_ratio"] <= 1
    total = readings["valuewatch_host_memory_total_bytes"]
    assert total > readings["valuewatch_host_memory_used_bytes"] > 0
    assert total > readings["valuewatch_process_resident_memory_bytes"] > 1024**2


def busy_process_ratio(cgroup_root: Path) -> float:
    """The process CPU ratio over 100 ms of a busy loop, with `cgroup_root`'s quota."""
    process = psutil.Process()
    sample_resources(process, None, cgroup_root=cgroup_root)
    started = time.monotonic()
    while time.monotonic() - started < 0.1:
        pass
    readings = by_name(sample_resources(process, None, cgroup_root=cgroup_root))
    return readings["valuewatch_process_cpu_utilization_ratio"]


def test_process_cpu_is_a_share_of_the_containers_cpu_quota(tmp_path: Path) -> None:
    (tmp_path / "cpu.max").write_text("25000 100000\n")  # a quarter of a CPU
    assert cgroup_cpus(tmp_path) == 0.25
    # One busy thread uses the whole quarter (and more, were it not throttled).
    assert busy_process_ratio(tmp_path) == 1.0


def test_without_a_cpu_quota_process_cpu_is_a_share_of_the_hosts_cpus(tmp_path: Path) -> None:
    (tmp_path / "cpu.max").write_text("max 100000\n")
    assert cgroup_cpus(tmp_path) is None
    assert busy_process_ratio(tmp_path) <= 1 / (psutil.cpu_count() or 1) + 0.05


def test_without_nvml_the_gpu_part_is_off_and_says_so_once(
    sampling_client: Callable[..., TestClient], registry: CollectorRegistry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="valuewatch.collector")
    probe = GpuProbe.open()
    if probe is not None:
        probe.close()
        pytest.skip("this machine has NVML: the GPU part is on")
    caplog.clear()

    sampling_client(resource_sample_interval_s=0.02)
    wait_for(lambda: registry.get_sample_value("valuewatch_host_memory_total_bytes") != 0)
    time.sleep(0.1)  # several more samples

    gpu_lines = [r.getMessage() for r in caplog.records if "GPU" in r.getMessage()]
    assert gpu_lines == [
        "GPU sampling is off: NVML is not available (NVML Shared Library Not Found)"
    ]
    exposition = [m.name for m in registry.collect() if m.samples]
    assert not any(name.startswith("valuewatch_gpu_") for name in exposition)


def test_a_container_memory_limit_is_the_total_and_its_working_set_the_use(
    tmp_path: Path,
) -> None:
    (tmp_path / "memory.max").write_text(f"{GIB}\n")
    (tmp_path / "memory.current").write_text(f"{600 * 1024**2}\n")
    (tmp_path / "memory.stat").write_text(f"anon 400000000\ninactive_file {100 * 1024**2}\n")
    readings = by_name(sample_resources(None, None, cgroup_root=tmp_path))

    assert cgroup_memory(tmp_path) == (500 * 1024**2, GIB)
    assert readings["valuewatch_host_memory_total_bytes"] == GIB
    assert readings["valuewatch_host_memory_used_bytes"] == 500 * 1024**2


def test_a_cgroup_without_a_memory_limit_reports_the_host(tmp_path: Path) -> None:
    (tmp_path / "memory.max").write_text("max\n")
    readings = by_name(sample_resources(None, None, cgroup_root=tmp_path))

    assert cgroup_memory(tmp_path) is None
    assert readings["valuewatch_host_memory_total_bytes"] == psutil.virtual_memory().total


def test_readings_land_in_the_registry_and_in_resource_sample(
    sampling_client: Callable[..., TestClient], store: Store, registry: CollectorRegistry
) -> None:
    client = sampling_client(resource_sample_interval_s=0.02, resource_persist_interval_s=0.02)
    wait_for(lambda: {s.name for s in samples(store)} == HOST_AND_PROCESS)

    rows = samples(store)
    assert {(row.host, row.device) for row in rows} == {(socket.gethostname(), "")}
    [total] = {r.value for r in rows if r.name == "valuewatch_host_memory_total_bytes"}
    assert registry.get_sample_value("valuewatch_host_memory_total_bytes") == total > 0
    resident = registry.get_sample_value("valuewatch_process_resident_memory_bytes")
    assert resident is not None and resident > 1024**2
    assert "valuewatch_process_resident_memory_bytes " in client.get("/metrics").text


def test_rows_are_kept_at_the_persist_interval_not_the_sample_interval(
    sampling_client: Callable[..., TestClient], store: Store, registry: CollectorRegistry
) -> None:
    sampling_client(resource_sample_interval_s=0.02, resource_persist_interval_s=3600)
    wait_for(lambda: len(samples(store)) > 0)
    used = "valuewatch_process_resident_memory_bytes"
    first = registry.get_sample_value(used)
    bytes_ = b"\x01" * (64 * 1024**2)  # grow the process so a new sample shows it
    wait_for(lambda: (registry.get_sample_value(used) or 0) > (first or 0) + 32 * 1024**2)

    assert len({row.timestamp for row in samples(store)}) == 1
    assert len(samples(store)) == len(HOST_AND_PROCESS)
    del bytes_


def test_a_watched_process_is_sampled_and_its_exit_leaves_the_host_sampled(
    sampling_client: Callable[..., TestClient], store: Store, registry: CollectorRegistry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        sampling_client(
            resource_sample_interval_s=0.02, resource_persist_interval_s=0.02,
            watched_pid=child.pid,
        )
        resident = "valuewatch_process_resident_memory_bytes"
        wait_for(lambda: (registry.get_sample_value(resident) or 0) > 0)
        child_rss = psutil.Process(child.pid).memory_info().rss
        assert registry.get_sample_value(resident) == pytest.approx(child_rss, rel=0.2)
    finally:
        child.kill()
        child.wait()
    wait_for(lambda: "has exited" in caplog.text)
    exited_at = max(row.timestamp for row in samples(store))
    wait_for(lambda: any(row.timestamp > exited_at for row in samples(store)))

    latest = max(row.timestamp for row in samples(store))
    assert {row.name for row in samples(store) if row.timestamp == latest} == {
        name for name in HOST_AND_PROCESS if name.startswith("valuewatch_host_")
    }
    assert f"watched process {child.pid} has exited; sampling the host only" in caplog.text


def test_the_sampler_can_be_switched_off(
    sampling_client: Callable[..., TestClient], store: Store, registry: CollectorRegistry
) -> None:
    sampling_client(resource_sampler_enabled=False, resource_sample_interval_s=0.02)
    time.sleep(0.1)

    assert registry.get_sample_value("valuewatch_host_memory_total_bytes") == 0
    assert samples(store) == []


def test_a_process_watched_by_name_is_found_when_it_starts_and_again_after_a_restart(
    sampling_client: Callable[..., TestClient], registry: CollectorRegistry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    name = f"model-server-{uuid.uuid4().hex[:8]}"
    caplog.set_level(logging.INFO, logger="valuewatch.collector")
    sampling_client(resource_sample_interval_s=0.02, resource_persist_interval_s=3600,
                    watched_process=name)
    wait_for(lambda: f"no process named {name} yet" in caplog.text)
    resident = "valuewatch_process_resident_memory_bytes"
    for _ in range(2):  # started, then started again after it exited
        child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)", name])
        try:
            wait_for(lambda child=child: f"watching process {child.pid} ({name})" in caplog.text)
            child_rss = psutil.Process(child.pid).memory_info().rss
            wait_for(lambda rss=child_rss: registry.get_sample_value(resident)
                     == pytest.approx(rss, rel=0.2))
        finally:
            child.kill()
            child.wait()
        wait_for(lambda child=child: f"watched process {child.pid} has exited" in caplog.text)
