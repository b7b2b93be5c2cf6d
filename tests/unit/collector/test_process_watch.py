"""The sidecar finds the model server's process by name, with its children, among real
processes."""

import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from types import SimpleNamespace

import psutil
import pynvml
import pytest

from collector.process_watch import family_pids, find_process, names_process
from collector.resources import process_gpu_memory

# A child that starts a grandchild, as a model server starts its engine, then waits.
PARENT = (
    "import subprocess, sys, time; "
    "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)']); time.sleep(60)"
)


@pytest.mark.parametrize(("process_name", "cmdline", "found"), [
    ("vllm", ["/usr/bin/python3", "/usr/local/bin/vllm", "serve", "m"], True),
    ("python3", ["python3", "-m", "vllm.entrypoints.openai.api_server"], True),
    ("vllm", [], True),
    ("python3", ["python3", "-m", "vllmx.server"], False),
    ("python3", ["python3", "serve.py", "--model", "my-vllm-model"], False),
    ("valuewatch", ["/venv/bin/valuewatch", "serve"], False),
])
def test_a_process_is_named_by_its_name_or_a_command_line_word(
    process_name: str, cmdline: list[str], found: bool
) -> None:
    assert names_process("vllm", process_name, cmdline) is found


@pytest.fixture
def model_server() -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """A real process with a name no other process has, and a child of its own."""
    name = f"model-server-{uuid.uuid4().hex[:8]}"
    process = subprocess.Popen([sys.executable, "-c", PARENT, name])
    try:
        deadline = time.monotonic() + 10
        while not psutil.Process(process.pid).children():
            assert time.monotonic() < deadline, "the model server did not start its child"
            time.sleep(0.02)
        yield name, process
    finally:
        for child in psutil.Process(process.pid).children(recursive=True):
            child.kill()
        process.kill()
        process.wait()


def test_the_model_server_is_found_by_name_with_its_children(
    model_server: tuple[str, subprocess.Popen[bytes]],
) -> None:
    name, process = model_server
    found = find_process(name)

    assert found is not None and found.pid == process.pid
    [child] = psutil.Process(process.pid).children()
    assert family_pids(found) == {process.pid, child.pid}


def test_no_process_of_that_name_is_none() -> None:
    assert find_process(f"absent-{uuid.uuid4().hex}") is None


def test_gpu_memory_is_summed_over_the_watched_family_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # No GPU here: NVML's process lists as it returns them, with one process in both lists
    # and one whose memory NVML cannot tell (None, as in MIG or without permission).
    compute = [SimpleNamespace(pid=10, usedGpuMemory=4 * 2**30),
               SimpleNamespace(pid=11, usedGpuMemory=2**30),
               SimpleNamespace(pid=99, usedGpuMemory=8 * 2**30)]
    graphics = [SimpleNamespace(pid=10, usedGpuMemory=4 * 2**30),
                SimpleNamespace(pid=12, usedGpuMemory=None)]
    monkeypatch.setattr(pynvml, "nvmlDeviceGetComputeRunningProcesses", lambda h: compute)
    monkeypatch.setattr(pynvml, "nvmlDeviceGetGraphicsRunningProcesses", lambda h: graphics)

    assert process_gpu_memory(object(), {10, 11, 12}) == 5 * 2**30
    assert process_gpu_memory(object(), {42}) == 0
