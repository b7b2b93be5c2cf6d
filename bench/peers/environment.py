"""A peer system installed into its own virtual environment the first time it is needed.

Peers never enter valuewatch's environment (their dependencies would clash with ours and
change what we measure). Each lives in ``bench/peers/.venv-<name>``, installed with the
pinned requirements it is given and installed again when they change.
"""

import subprocess
import sys
import venv
from collections.abc import Sequence
from pathlib import Path

PEERS = Path(__file__).resolve().parent


def peer_python(name: str, requirements: Sequence[str]) -> Path:
    """The Python of peer `name`'s environment, created with `requirements` if needed."""
    home = PEERS / f".venv-{name}"
    python = home / "bin" / "python"
    stamp = home / ".requirements"
    wanted = "\n".join(requirements)
    if python.exists() and stamp.exists() and stamp.read_text() == wanted:
        return python
    print(f"installing {name} into {home}: {' '.join(requirements)}", file=sys.stderr)
    venv.create(home, with_pip=True, clear=True)
    subprocess.run([python, "-m", "pip", "install", "-q", "--upgrade", "pip"], check=True)
    subprocess.run([python, "-m", "pip", "install", "-q", *requirements], check=True)
    stamp.write_text(wanted)
    return python
