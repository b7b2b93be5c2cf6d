"""The report as Markdown: tables as pipes, charts as bars of text."""

from evaluators.value.report.layout import Block, Bullets, Chart, Heading, Table, Text

BAR_WIDTH = 20


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _bar(score: float | None) -> str:
    filled = round((score or 0.0) / 100 * BAR_WIDTH)
    return "█" * filled + "░" * (BAR_WIDTH - filled)


def _number(score: float | None) -> str:
    return "  n/a" if score is None else f"{score:5.1f}"


def markdown(blocks: list[Block]) -> str:
    """Markdown for `blocks`."""
    out: list[str] = []
    for block in blocks:
        if isinstance(block, Heading):
            out.append(f"{'#' * block.level} {block.text}")
        elif isinstance(block, Text):
            out.append(block.text)
        elif isinstance(block, Bullets):
            out.append("\n".join(f"- {item}" for item in block.items))
        elif isinstance(block, Table):
            lines = ["| " + " | ".join(_cell(cell) for cell in row) + " |"
                     for row in (block.header, *block.rows)]
            lines.insert(1, "|" + "---|" * len(block.header))
            out.append("\n".join(lines))
        elif isinstance(block, Chart) and block.bars:
            width = max(len(label) for label, _ in block.bars)
            rows = [f"{label:<{width}} {_bar(score)} {_number(score)}"
                    for label, score in block.bars]
            out.append(f"{block.caption}:\n\n```\n" + "\n".join(rows) + "\n```")
    return "\n\n".join(out) + "\n"
