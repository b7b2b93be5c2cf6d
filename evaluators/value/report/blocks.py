"""The kinds of block a report is laid out in: headings, text, tables, lists and charts."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Heading:
    """A section title; level 1 is the report's title."""

    text: str
    level: int = 2


@dataclass(frozen=True)
class Text:
    """A paragraph."""

    text: str


@dataclass(frozen=True)
class Table:
    """A table of text cells."""

    header: tuple[str, ...]
    rows: list[tuple[str, ...]]


@dataclass(frozen=True)
class Bullets:
    """A list."""

    items: list[str]


@dataclass(frozen=True)
class Chart:
    """A chart drawn by charts.py under `key`; `text` is how text formats show it."""

    key: str
    caption: str
    text: list[str] = field(default_factory=list)


Block = Heading | Text | Table | Bullets | Chart
