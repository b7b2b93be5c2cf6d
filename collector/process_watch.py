"""Finding the model server's process by name, so a sidecar measures the model, not itself.

In a pod that shares its process namespace (`shareProcessNamespace: true`), the sidecar
sees the model server's processes. `find_process("vllm")` matches `vllm serve …`,
`python -m vllm.entrypoints.openai.api_server …` and a process named `vllm`.
"""

import os

import psutil


def names_process(name: str, process_name: str, cmdline: list[str]) -> bool:
    """Whether a process called `process_name` running `cmdline` is the one named `name`:
    by its name, or a command-line word (its basename, or a module `name.…`)."""
    if process_name == name:
        return True
    for word in cmdline:
        base = os.path.basename(word)
        if base == name or base.startswith(name + "."):
            return True
    return False


def find_process(name: str) -> psutil.Process | None:
    """The oldest process named `name` (see `names_process`) other than this one, or None."""
    found: list[psutil.Process] = []
    for process in psutil.process_iter(["name", "cmdline", "create_time"]):
        if process.pid == os.getpid():
            continue
        info = process.info
        if names_process(name, info["name"] or "", info["cmdline"] or []):
            found.append(process)
    return min(found, key=lambda p: p.info["create_time"] or 0.0, default=None)


def family_pids(process: psutil.Process) -> set[int]:
    """The pids of `process` and every process below it: a model server's engine and
    workers run as its children, and it is they that hold GPU memory."""
    try:
        return {process.pid, *(child.pid for child in process.children(recursive=True))}
    except psutil.Error:
        return {process.pid}
