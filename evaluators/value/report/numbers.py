"""Numbers as the report writes them, by unit."""


def formatted(value: float | None, unit: str) -> str:
    """`value` in `unit` for a reader: 0.823 ratio → 82.3%, 1234.5 eur → 1,234.50 EUR."""
    if value is None:
        return "n/a"
    if unit == "ratio":
        return f"{value * 100:.1f}%"
    if unit == "seconds":
        return f"{value:.2f} s"
    if unit == "hours":
        return f"{value:,.1f} h"
    if unit == "months":
        return f"{value:.1f} months"
    if unit == "score":
        return f"{value:.0f}/100"
    if unit in {"users", "calls", "count"}:
        return f"{value:,.0f}"
    if unit == "value":
        return f"{value:,.4g}"
    return f"{value:,.2f} {unit.upper()}"  # a currency code


def signed(change: float | None, unit: str) -> str:
    """A change with its sign: +4.0 pts for ratios, −120.00 EUR for money."""
    if change is None:
        return "n/a"
    if unit == "ratio":
        return f"{change * 100:+.1f} pts"
    sign = "+" if change >= 0 else "-"
    return sign + formatted(abs(change), unit)
