"""The report as Markdown: tables as pipes, charts as their lines of text."""

from evaluators.value.report.blocks import Block, Bullets, Chart, Heading, Table, Text


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


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
        elif isinstance(block, Chart) and block.text:
            out.append(f"{block.caption}:\n\n```\n" + "\n".join(block.text) + "\n```")
    return "\n\n".join(out) + "\n"
