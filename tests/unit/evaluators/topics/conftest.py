"""The planted-topic prompts are importable by the topics tests."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
