"""A KPI's months as a small inline SVG: its values as a line, its target dashed."""

from html import escape

WIDTH, HEIGHT, PAD = 320, 90, 8


def trend_svg(values: list[float | None], target: float, label: str) -> str:
    """An SVG line of `values` (None: a gap) against `target`, scaled to fit both."""
    known = [value for value in values if value is not None]
    low, high = min([*known, target]), max([*known, target])
    span = (high - low) or abs(high) or 1.0
    low, high = low - span * 0.1, high + span * 0.1
    step = (WIDTH - 2 * PAD) / max(len(values) - 1, 1)

    def y(value: float) -> float:
        return round(HEIGHT - PAD - (value - low) / (high - low) * (HEIGHT - 2 * PAD), 1)

    lines, dots, run = [], [], []
    for index, value in enumerate(values):
        if value is None:
            lines.append(run)
            run = []
            continue
        point = (round(PAD + index * step, 1), y(value))
        run.append(point)
        dots.append(f'<circle cx="{point[0]}" cy="{point[1]}" r="3" fill="#2b6cb0"/>')
    lines.append(run)
    paths = "".join(
        '<polyline fill="none" stroke="#2b6cb0" stroke-width="2" points="'
        + " ".join(f"{x},{v}" for x, v in run) + '"/>'
        for run in lines if len(run) > 1
    )
    goal = y(target)
    return (
        f'<svg class="trend" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">'
        f'<line x1="{PAD}" x2="{WIDTH - PAD}" y1="{goal}" y2="{goal}" stroke="#2f855a" '
        f'stroke-width="1.5" stroke-dasharray="5 4"/>{paths}{"".join(dots)}</svg>'
    )
