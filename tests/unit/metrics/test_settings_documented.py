"""Every setting is in the README's settings table, so an operator can find it.

Rows may name several settings of one prefix: `VALUEWATCH_SMTP_HOST`, `_PORT`.
"""

import re
from pathlib import Path

from metrics.settings import Settings

README = Path(__file__).resolve().parents[3] / "README.md"
FULL = re.compile(r"`VALUEWATCH_([A-Z0-9_]+)`")
SHORT = re.compile(r"`_([A-Z0-9_]+)`")


def documented_settings() -> set[str]:
    """The settings the README's table rows name, abbreviations expanded."""
    names: set[str] = set()
    for line in README.read_text().splitlines():
        if not line.startswith("| `VALUEWATCH_"):
            continue
        cell = line.split("|")[1]
        full = FULL.findall(cell)
        names.update(full)
        words = full[0].split("_") if full else []
        for short in SHORT.findall(cell):
            # `_WINDOW_S` after `VALUEWATCH_ACCURACY_INTERVAL_S` is ACCURACY_WINDOW_S: the
            # first name's leading words, as many as the reader takes for the prefix.
            names.update("_".join([*words[:n], short]) for n in range(1, len(words)))
    return {name.lower() for name in names}


def test_every_setting_has_a_row_in_the_readme() -> None:
    missing = set(Settings.model_fields) - documented_settings()
    assert missing == set()
