"""Trend charts drawn on the server: plain SVG, no script, so they print as they show.

`line_chart` turns (label, value) points into coordinates for templates/assessments/chart.html:
the line, its dots with their values, a dashed pass-mark line and a scale from 0 to the top."""

from dataclasses import dataclass, field
from decimal import Decimal

WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 48, 40, 28, 40  # margins for the scale and the labels


@dataclass
class Chart:
    title: str
    width: int = WIDTH
    height: int = HEIGHT
    dots: list = field(default_factory=list)  # {"x", "y", "label", "value", "failed"}
    line: str = ""  # the polyline's points
    ticks: list = field(default_factory=list)  # {"y", "value"}
    pass_y: float | None = None
    pass_mark: Decimal | None = None
    left: int = LEFT
    right: int = WIDTH - RIGHT
    bottom: int = HEIGHT - BOTTOM


def line_chart(title, points, top, pass_mark=None):
    """`points`: [(label, value)] oldest first; `top`: the scale's maximum (the scheme's total)."""
    top = Decimal(top) or Decimal(1)
    chart = Chart(title=title, pass_mark=pass_mark)
    span_x = chart.right - chart.left
    span_y = chart.bottom - TOP

    def y_of(value):
        share = min(Decimal(1), max(Decimal(0), Decimal(value) / top))
        return round(float(chart.bottom - share * span_y), 1)

    step = span_x / max(1, len(points) - 1) if len(points) > 1 else 0
    for index, (label, value) in enumerate(points):
        x = round(chart.left + (index * step if len(points) > 1 else span_x / 2), 1)
        failed = pass_mark is not None and value < pass_mark
        chart.dots.append({"x": x, "y": y_of(value), "label": label, "value": value, "failed": failed})
    chart.line = " ".join(f"{dot['x']},{dot['y']}" for dot in chart.dots)
    chart.ticks = [{"y": y_of(top * n / 4), "value": (top * n / 4).normalize()} for n in range(5)]
    if pass_mark is not None:
        chart.pass_y = y_of(pass_mark)
    return chart
