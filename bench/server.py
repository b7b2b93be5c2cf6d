"""A `valuewatch serve` process for the benches: start it, make keys, stop or kill it."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(args: list[str], env: dict[str, str], port: int,
          ready_path: str = "/docs", wait_s: float = 120.0) -> subprocess.Popen[bytes]:
    """Start `args` and wait until it answers on `port`; stopped again if it never does.

    The wait is long because the benches share small machines with other work.
    """
    process = subprocess.Popen(args, env=os.environ | env, cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline and process.poll() is None:
        try:
            httpx.get(f"http://127.0.0.1:{port}{ready_path}", timeout=1)
            return process
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    process.wait()
    raise RuntimeError(f"{args} did not start (exit status {process.returncode})")


def serve(database_url: str, port: int, **env: str) -> subprocess.Popen[bytes]:
    """`valuewatch serve` on `database_url`, with VALUEWATCH_* settings from `env`.

    Its OTLP/gRPC receiver takes a free port, not 4317, which another process may hold.
    """
    env = {"otlp_grpc_port": str(free_port())} | env
    settings = {f"VALUEWATCH_{name.upper()}": value for name, value in env.items()}
    return start([sys.executable, "-m", "valuewatch", "serve", "--port", str(port),
                  "--log-level", "warning"],
                 {"VALUEWATCH_DATABASE_URL": database_url} | settings, port, "/healthz")


def create_key(database_url: str, scope: str) -> str:
    """A new key, made through the CLI."""
    out = subprocess.run(
        [sys.executable, "-m", "valuewatch", "keys", "create", "--name", f"bench-{scope}",
         "--scope", scope],
        env=os.environ | {"VALUEWATCH_DATABASE_URL": database_url}, cwd=ROOT,
        capture_output=True, text=True, check=True,
    )
    return out.stdout.strip().splitlines()[-1]
