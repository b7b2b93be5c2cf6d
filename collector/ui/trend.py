"""A KPI's months as a small inline SVG: its values as a line, its target dashed."""

from html import escape

WIDTH, HEIGHT, PAD, AXIS = 320, 110, 8, 18  # AXIS: room under the plot for month labels
TEXT = 'font-size="11" font-family="sans-serif"'


def trend_svg(months: list[tuple[str, float | None]], target: float, label: str,
              target_text: str) -> str:
    """An SVG line of each (month, value) (None: a gap) against `target`, scaled to fit
    both, its first and last month under it and `target_text` on the target line."""
    values = [value for _, value in months]
    known = [value for value in values if value is not None]
    low, high = min([*known, target]), max([*known, target])
    span = (high - low) or abs(high) or 1.0
    low, high = low - span * 0.15, high + span * 0.15
    step = (WIDTH - 2 * PAD) / max(len(values) - 1, 1)
    bottom = HEIGHT - AXIS

    def y(value: float) -> float:
        return round(bottom - (value - low) / (high - low) * (bottom - PAD), 1)

    runs: list[list[tuple[float, float]]] = [[]]
    dots = []
    for index, value in enumerate(values):
        if value is None:
            runs.append([])
            continue
        point = (round(PAD + index * step, 1), y(value))
        runs[-1].append(point)
        dots.append(f'<circle cx="{point[0]}" cy="{point[1]}" r="3.5" fill="#2b6cb0"/>')
    lines = "".join(
        '<polyline fill="none" stroke="#2b6cb0" stroke-width="2" points="'
        + " ".join(f"{x},{v}" for x, v in run) + '"/>'
        for run in runs if len(run) > 1
    )
    goal = y(target)
    first, last = (escape(months[0][0]), escape(months[-1][0])) if months else ("", "")
    return (
        f'<svg class="trend" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">'
        f'<line x1="{PAD}" x2="{WIDTH - PAD}" y1="{bottom}" y2="{bottom}" stroke="#cbd5e0"/>'
        f'<line x1="{PAD}" x2="{WIDTH - PAD}" y1="{goal}" y2="{goal}" stroke="#2f855a" '
        f'stroke-width="1.5" stroke-dasharray="5 4"/>'
        f'<text x="{WIDTH - PAD}" y="{max(goal - 4, 10)}" text-anchor="end" fill="#2f855a" '
        f'{TEXT}>{escape(target_text)}</text>{lines}{"".join(dots)}'
        f'<text x="{PAD}" y="{HEIGHT - 4}" fill="#4a5568" {TEXT}>{first}</text>'
        f'<text x="{WIDTH - PAD}" y="{HEIGHT - 4}" text-anchor="end" fill="#4a5568" '
        f'{TEXT}>{last}</text></svg>'
    )
