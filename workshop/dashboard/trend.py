"""A KPI's trend as SVG: actuals per period, the target line, the amber band, and the periods
with an open escalation marked. Server-rendered, so the page and a report share it. Pure:
every label arrives formatted in the reader's language."""

import math
from xml.sax.saxutils import escape

WIDTH, HEIGHT = 560, 220
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 40
STATUS_FILL = {"green": "#1a7f37", "amber": "#b7791f", "red": "#b42318", "grey": "#9ca3af"}
# A shape per status too: the chart never relies on colour alone.
STATUS_SHAPE = {"green": "circle", "amber": "diamond", "red": "square", "grey": "ring"}
FONT = "font-family=\"Inter, 'DejaVu Sans', Arial, sans-serif\""


def trend_svg(points, target, direction, tolerance, labels):
    """points: [{period, value or None, status, escalated: bool}] oldest first.
    labels: {title, target, value(n) -> str, period(p) -> str, escalated}."""
    values = [p["value"] for p in points if p["value"] is not None]
    # A target an amendment changed: each period carries the one then in force.
    stepped = any(p.get("target") is not None for p in points)
    for goal in {p["target"] for p in points if p.get("target") is not None} or {target}:
        if goal is not None:
            # The target and its amber edge are always on the chart.
            values += [
                goal,
                goal * (1 - tolerance / 100 if direction != "lower" else 1 + tolerance / 100),
            ]
    low, high = _scale(values, tolerance)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(1, len(points))

    def x(i):
        return LEFT + step * (i + 0.5)

    def y(value):
        return TOP + plot_h * (1 - (value - low) / (high - low))

    body = [f'<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" fill="#f9fafb"/>']
    if stepped:
        body += _stepped_target(points, direction, tolerance, x, y, step, labels)
    elif target is not None:
        margin = abs(target) * tolerance / 100
        edge = target - margin if direction != "lower" else target + margin
        top, bottom = sorted((y(target), y(edge)))
        body.append(
            f'<rect x="{LEFT}" y="{top:.1f}" width="{plot_w}" height="{bottom - top:.1f}"'
            ' fill="#fef3c7"/>'
        )
        body.append(
            f'<line x1="{LEFT}" y1="{y(target):.1f}" x2="{LEFT + plot_w}" y2="{y(target):.1f}"'
            ' stroke="#1f3a5f" stroke-width="2" stroke-dasharray="6 4"/>'
        )
        body.append(_text(LEFT - 6, y(target) + 4, labels["value"](target), "end", 11, "#1f3a5f"))
    body.append(_text(LEFT - 6, TOP + 10, labels["value"](high), "end", 10, "#6b7280"))
    body.append(_text(LEFT - 6, TOP + plot_h, labels["value"](low), "end", 10, "#6b7280"))
    line = [(x(i), y(p["value"])) for i, p in enumerate(points) if p["value"] is not None]
    if len(line) > 1:
        path = " ".join(f"{px:.1f},{py:.1f}" for px, py in line)
        body.append(f'<polyline points="{path}" fill="none" stroke="#374151" stroke-width="2"/>')
    for i, point in enumerate(points):
        if point.get("escalated"):
            body.append(
                f'<rect x="{x(i) - step / 2:.1f}" y="{TOP}" width="{step:.1f}" height="{plot_h}"'
                ' fill="none" stroke="#b42318" stroke-width="2" stroke-dasharray="3 3"/>'
            )
            body.append(_text(x(i), TOP + 12, "!", "middle", 12, "#b42318", "bold"))
        if point["value"] is not None:
            body.append(_marker(x(i), y(point["value"]), point.get("status", "grey")))
            body.append(_text(x(i), y(point["value"]) - 10, labels["value"](point["value"]),
                              "middle", 10, "#111827", "bold"))  # fmt: skip
        body.append(_text(x(i), HEIGHT - BOTTOM + 16, labels["period"](point["period"]),
                          "middle", 10, "#374151"))  # fmt: skip
    title = labels["title"]
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}"'
        f' width="{WIDTH}" height="{HEIGHT}" role="img"><title>{escape(title)}</title>'
        f"{''.join(body)}</svg>"
    )


def _stepped_target(points, direction, tolerance, x, y, step, labels):
    """Per period: its amber band and target line; where the target changed, "v2" marks
    the version that changed it."""
    body, previous = [], None
    for i, point in enumerate(points):
        goal = point.get("target")
        if goal is None:
            continue
        margin = abs(goal) * tolerance / 100
        edge = goal - margin if direction != "lower" else goal + margin
        top, bottom = sorted((y(goal), y(edge)))
        left = x(i) - step / 2
        body.append(
            f'<rect x="{left:.1f}" y="{top:.1f}" width="{step:.1f}" height="{bottom - top:.1f}"'
            ' fill="#fef3c7"/>'
        )
        body.append(
            f'<line x1="{left:.1f}" y1="{y(goal):.1f}" x2="{left + step:.1f}" y2="{y(goal):.1f}"'
            ' stroke="#1f3a5f" stroke-width="2" stroke-dasharray="6 4"/>'
        )
        if previous is not None and goal != previous["target"]:
            body.append(
                f'<line x1="{left:.1f}" y1="{y(previous["target"]):.1f}" x2="{left:.1f}"'
                f' y2="{y(goal):.1f}" stroke="#1f3a5f" stroke-width="2"/>'
            )
            body.append(_text(left + 3, y(goal) - 5, labels["version"](point["version"]),
                              "start", 10, "#1f3a5f", "bold"))  # fmt: skip
        previous = point
    first = next((p for p in points if p.get("target") is not None), None)
    last = next((p for p in reversed(points) if p.get("target") is not None), None)
    body.append(_text(LEFT - 6, y(last["target"]) + 4, labels["value"](last["target"]),
                      "end", 11, "#1f3a5f"))  # fmt: skip
    if first["target"] != last["target"]:
        body.append(_text(LEFT - 6, y(first["target"]) + 4, labels["value"](first["target"]),
                          "end", 10, "#6b7280"))  # fmt: skip
    return body


def _scale(values, tolerance):
    """A value range with some air above and below, never empty."""
    if not values:
        return 0.0, 1.0
    low, high = min(values), max(values)
    if low == high:
        pad = abs(low) * max(tolerance, 10) / 100 or 1
        return _rounded(low - pad, high + pad)
    pad = (high - low) * 0.15
    return _rounded((0.0 if low >= 0 and low - pad < 0 else low - pad), high + pad)


def _rounded(low, high):
    """The range widened to round numbers (a step of 1, 2, 2.5 or 5 times a power of ten,
    about four steps): the axis reads 120 and 145, not 123.9 and 142.1."""
    wanted = (high - low) / 4
    power = 10 ** math.floor(math.log10(wanted))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= wanted)
    return (round(math.floor(low / step) * step, 10), round(math.ceil(high / step) * step, 10))


def _marker(cx, cy, status):
    fill = STATUS_FILL.get(status, STATUS_FILL["grey"])
    shape = STATUS_SHAPE.get(status, "ring")
    if shape == "circle":
        return f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="6" fill="{fill}"/>'
    if shape == "diamond":
        corners = ((cx, cy - 7), (cx + 7, cy), (cx, cy + 7), (cx - 7, cy))
        pts = " ".join(f"{px:.1f},{py:.1f}" for px, py in corners)
        return f'<polygon points="{pts}" fill="{fill}"/>'
    if shape == "square":
        return f'<rect x="{cx - 6:.1f}" y="{cy - 6:.1f}" width="12" height="12" fill="{fill}"/>'
    ring = f'cx="{cx:.1f}" cy="{cy:.1f}" r="5" fill="#fff" stroke="{fill}" stroke-width="2"'
    return f"<circle {ring}/>"


def _text(x, y, content, anchor="start", size=11, fill="#111827", weight="normal"):
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" font-weight="{weight}" fill="{fill}"'
        f' text-anchor="{anchor}" {FONT}>{escape(str(content))}</text>'
    )
