"""A plain install runs: the Dockerfile's own install steps, without the test extras, as an
unprivileged user from a read-only source tree, then `valuewatch demo` and `serve`.

No base image can be pulled here, so the image itself is not built: the steps are read
from the Dockerfile (its COPY lines choose the files, its RUN lines are run as written,
with /opt/valuewatch moved into a temporary folder).
"""

import os
import pwd
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.integration.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]
VENV = "/opt/valuewatch"


@dataclass(frozen=True)
class PlainInstall:
    """A venv holding the package and its runtime dependencies only, and how to run it."""

    venv: Path
    workdir: Path
    user: list[str]
    env: dict[str, str]

    def command(self, *args: str) -> list[str]:
        """`valuewatch args...` from the venv, as the unprivileged user."""
        return [*self.user, str(self.venv / "bin" / "valuewatch"), *args]


def builder_steps() -> tuple[list[tuple[str, str]], list[str], dict[str, str]]:
    """The builder stage's COPY (source, destination) pairs, RUN commands and ENV."""
    text = re.sub(r"\\\n\s*", " ", (ROOT / "Dockerfile").read_text())
    stages = text.split("\nFROM ")
    builder = next(stage for stage in stages if "AS builder" in stage.splitlines()[0])
    copies, runs, env = [], [], {}
    for line in builder.splitlines():
        instruction, _, args = line.strip().partition(" ")
        if instruction == "COPY":
            *sources, destination = args.split()
            copies += [(source, destination) for source in sources]
        elif instruction == "RUN":
            runs.append(args)
        elif instruction == "ENV":
            env |= dict(pair.split("=", 1) for pair in shlex.split(args))
    return copies, runs, env


def unprivileged() -> list[str]:
    """The prefix that drops root to `nobody`; nothing when not root already."""
    if os.geteuid() != 0:
        return []
    nobody = pwd.getpwnam("nobody")
    return ["setpriv", f"--reuid={nobody.pw_uid}", f"--regid={nobody.pw_gid}", "--clear-groups",
            "--"]


def python_for(user: list[str]) -> str:
    """A Python 3.11+ the user may run (the tests' own may sit under root's home)."""
    for candidate in (sys._base_executable, "/usr/bin/python3.11", "/usr/bin/python3"):
        check = f"{candidate} -c 'import sys, venv; assert sys.version_info >= (3, 11)'"
        probe = subprocess.run([*user, "sh", "-c", check], capture_output=True)
        if probe.returncode == 0:
            return candidate
    pytest.fail("no Python 3.11 that an unprivileged user can run")


@pytest.fixture(scope="module")
def plain_install() -> Iterator[PlainInstall]:
    """One install shared by the checks: it is the slow part (about a minute)."""
    folder = Path(tempfile.mkdtemp(prefix="valuewatch-plain-"))
    folder.chmod(0o755)
    user = unprivileged()
    try:
        yield _install(folder, user)
    finally:
        subprocess.run(["chmod", "-R", "u+w", str(folder)], check=False)
        shutil.rmtree(folder, ignore_errors=True)


def _install(folder: Path, user: list[str]) -> PlainInstall:
    copies, runs, builder_env = builder_steps()
    source = folder / "src"
    for name, destination in copies:
        target = source / destination / (Path(name).name if destination.endswith("/") and
                                          not name.endswith("/") else "")
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, target, ignore=shutil.ignore_patterns(
                "__pycache__", "*.pyc", "*.egg-info"))
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, target)
    subprocess.run(["chmod", "-R", "a-w", str(source)], check=True)
    home, workdir = folder / "home", folder / "workdir"
    for writable in (home, workdir):
        writable.mkdir()
        if user:
            shutil.chown(writable, "nobody")
    venv = home / "venv"
    # The machine's own pip settings (index, wheel folder, proxy) still apply.
    passed = {name: value for name, value in os.environ.items()
              if name.startswith("PIP_") or name.lower().endswith("_proxy")}
    env = {**passed, "PATH": "/usr/bin:/bin", "HOME": str(home), **builder_env}
    python = python_for(user)
    for run in runs:
        command = run.replace(VENV, str(venv)).replace("python -m venv", f"{python} -m venv")
        done = subprocess.run([*user, "sh", "-c", command], cwd=source, env=env,
                              capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, f"{command}\n{done.stdout[-2000:]}{done.stderr[-3000:]}"
    # The runtime stage: the installed tree read-only, no bytecode written.
    subprocess.run(["chmod", "-R", "a-w", str(venv)], check=True)
    runtime_env = {"PATH": f"{venv / 'bin'}:/usr/bin:/bin", "HOME": str(home),
                   "PYTHONDONTWRITEBYTECODE": "1", "PYTHONUNBUFFERED": "1",
                   "MPLCONFIGDIR": str(workdir / "matplotlib")}
    return PlainInstall(venv, workdir, user, runtime_env)


@pytest.mark.slow
def test_the_install_holds_no_test_dependency(plain_install: PlainInstall) -> None:
    probe = subprocess.run(
        [*plain_install.user, str(plain_install.venv / "bin" / "python"), "-c", "import httpx"],
        env=plain_install.env, capture_output=True, text=True,
    )
    assert "No module named 'httpx'" in probe.stderr


@pytest.mark.slow
def test_valuewatch_demo_runs_from_a_plain_install(plain_install: PlainInstall) -> None:
    out = plain_install.workdir / "demo"
    demo = subprocess.run(
        plain_install.command("demo", "--out", str(out), "--no-wait", "--days", "7",
                              "--port", str(free_port())),
        cwd=plain_install.workdir, env=plain_install.env, capture_output=True, text=True,
        timeout=240,
    )
    assert demo.returncode == 0, demo.stderr[-3000:]
    assert "/metrics" in demo.stdout
    assert [path.suffix for path in sorted(out.glob("value-report-*"))] == [".html", ".md"]
    assert len(list((out / "dashboards").glob("*.json"))) == 3


@pytest.mark.slow
def test_valuewatch_serve_answers_from_a_plain_install(plain_install: PlainInstall) -> None:
    port = free_port()
    server = subprocess.Popen(
        plain_install.command("serve", "--port", str(port), "--log-level", "warning"),
        cwd=plain_install.workdir, env=plain_install.env,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        ready = _wait_for(f"http://127.0.0.1:{port}/readyz", server)
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)
    assert ready == {"status": "ok", "database": "ok"}, output[-3000:]
    # uvicorn re-raises the SIGTERM it handled once it has shut down cleanly.
    assert server.returncode in (0, -signal.SIGTERM), output[-3000:]
    assert "Traceback" not in output
    assert (plain_install.workdir / "valuewatch.db").exists()


def _wait_for(url: str, server: subprocess.Popen[str], seconds: float = 60) -> object:
    """The JSON `url` answers once it answers 200."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and server.poll() is None:
        try:
            answer = httpx.get(url, timeout=1)
            if answer.status_code == 200:
                return answer.json()
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    return None
