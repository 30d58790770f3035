"""Server-rendered SVG: the funnel, the journey map and vote bars. The same picture serves
the page and the PDF. User text is escaped; nothing here links or scripts."""

from xml.sax.saxutils import escape

FONT = "font-family=\"Inter, 'DejaVu Sans', Arial, sans-serif\""
NAVY, GOLD, TEAL, GREY, RED = "#1f3a5f", "#f4b942", "#2a7f8f", "#6b7280", "#b42318"
STAGE_COLOURS = ["#1f3a5f", "#27496f", "#2f5a80", "#3a6d93", "#4a82a6", "#2a7f8f", "#2f8f72"]


def _text(x, y, content, size=14, weight="normal", fill="#111827", anchor="start"):
    return (
        f'<text x="{x}" y="{y}" font-size="{size}" font-weight="{weight}" fill="{fill}"'
        f' text-anchor="{anchor}" {FONT}>{escape(str(content))}</text>'
    )


def _clip(text, limit):
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _svg(width, height, body, title):
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}"'
        f' width="{width}" height="{height}" role="img"><title>{escape(title)}</title>'
        f"{''.join(body)}</svg>"
    )


def funnel_svg(stages, title="Funnel", volume_label="per month"):
    """stages: [{"name", "volume", "conversion", "status"}] from the top of the funnel down."""
    width, row = 760, 58
    height = max(1, len(stages)) * row + 20
    body = []
    if not stages:
        body.append(_text(width / 2, 40, "—", anchor="middle", fill=GREY))
    top, bottom = 560, 200
    for i, stage in enumerate(stages):
        share = i / max(1, len(stages) - 1) if len(stages) > 1 else 0
        w1 = top - (top - bottom) * share
        w2 = (
            top - (top - bottom) * min(1, (i + 1) / max(1, len(stages) - 1))
            if len(stages) > 1
            else w1
        )
        cx, y = 300, 10 + i * row
        colour = STAGE_COLOURS[i % len(STAGE_COLOURS)]
        dash = (
            ' stroke-dasharray="6 4" stroke="#9ca3af" stroke-width="2"'
            if stage.get("status") == "open"
            else ""
        )
        low = y + row - 6
        points = f"{cx - w1 / 2},{y} {cx + w1 / 2},{y} {cx + w2 / 2},{low} {cx - w2 / 2},{low}"
        body.append(f'<polygon points="{points}" fill="{colour}"{dash}/>')
        fits = max(10, int(min(w1, w2) / 8.5))  # characters that fit the narrower edge
        body.append(_text(cx, y + 24, _clip(stage["name"], fits), 15, "bold", "#ffffff", "middle"))
        if stage.get("volume") is not None:
            body.append(
                _text(
                    cx,
                    y + 43,
                    f"{stage['volume']:,.0f} {volume_label}",
                    12,
                    fill="#e5e7eb",
                    anchor="middle",
                )
            )
        if stage.get("conversion") is not None and i < len(stages) - 1:
            body.append(
                f'<line x1="{cx + top / 2 + 12}" y1="{y + row - 3}" x2="{cx + top / 2 + 40}"'
                f' y2="{y + row - 3}" stroke="{GOLD}" stroke-width="3"/>'
            )
            body.append(
                _text(
                    cx + top / 2 + 48, y + row + 2, f"→ {stage['conversion']:g} %", 14, "bold", NAVY
                )
            )
    return _svg(width, height, body, title)


def _wrap(text, width, max_lines):
    """Words into at most max_lines lines of about width characters; the last one clipped."""
    words, lines, line = " ".join(str(text).split()).split(" "), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    if line:
        lines.append(line)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = _clip(lines[-1] + " …", width)
    return lines


def _lines(x, y, lines, size, step, **style):
    return [_text(x, y + n * step, line, size, **style) for n, line in enumerate(lines)]


JOURNEY_ROLES = (("prospect", GREY), ("marketing", TEAL), ("sales", "#7c4dbd"))


def journey_svg(phases, moments, title="Journey", labels=None):
    """phases: [{"name", "prospect", "marketing", "sales"}]; moments: [{"name", "kind", "phase",
    "dots", "status"}]. One column per phase: what each side does, then its gaps (!) and
    moments of truth (★) with their dots. labels: legend texts per role and kind."""
    labels = labels or {}
    columns = max(1, len(phases))
    col_w, gap, box_h = 200, 12, 86
    width = columns * (col_w + gap) + gap
    by_phase = {p["name"]: [] for p in phases}
    for moment in moments:
        by_phase.setdefault(moment.get("phase") or "", []).append(moment)
    rows = max([len(by_phase[p["name"]]) for p in phases] or [0])
    top_of_moments = 76 + 3 * 46 + 10
    height = top_of_moments + rows * (box_h + 8) + 40
    body = [f'<rect x="0" y="0" width="{width}" height="{height}" fill="#f8fafc"/>']
    for i, phase in enumerate(phases):
        x = gap + i * (col_w + gap)
        body.append(
            f'<path d="M{x},20 h{col_w - 14} l14,22 l-14,22 h-{col_w - 14} l10,-22 z"'
            f' fill="{NAVY}"/>'
        )
        body.append(
            _text(x + col_w / 2, 48, _clip(phase["name"], 26), 13, "bold", "#ffffff", "middle")
        )
        for j, (who, colour) in enumerate(JOURNEY_ROLES):
            y = 76 + j * 46
            body.append(f'<rect x="{x}" y="{y}" width="4" height="40" fill="{colour}"/>')
            body += _lines(x + 10, y + 11, _wrap(phase.get(who, ""), 33, 3), 10, 13)
        for k, moment in enumerate(by_phase.get(phase["name"], [])):
            y = top_of_moments + k * (box_h + 8)
            is_moment = moment.get("kind") == "moment"
            fill, stroke = ("#fff7e0", GOLD) if is_moment else ("#fdecea", RED)
            border = 3 if moment.get("status") == "agreed" else 1.5
            body.append(
                f'<rect x="{x}" y="{y}" width="{col_w}" height="{box_h}" rx="6" fill="{fill}"'
                f' stroke="{stroke}" stroke-width="{border}"/>'
            )
            marker = "★" if is_moment else "!"
            lines = _wrap(f"{marker} {moment['name']}", 29, 4)
            body += _lines(x + 8, y + 16, lines, 11, 14, weight="bold")
            if moment.get("dots"):
                dots = "●" * min(12, moment["dots"]) + f" {moment['dots']}"
                body.append(_text(x + 8, y + box_h - 8, dots, 11, fill=NAVY))
    legend_y = height - 14
    legend_x = gap
    for who, colour in JOURNEY_ROLES:
        body.append(
            f'<rect x="{legend_x}" y="{legend_y - 9}" width="10" height="10" fill="{colour}"/>'
        )
        body.append(_text(legend_x + 14, legend_y, labels.get(who, who), 11))
        legend_x += 40 + 7 * len(labels.get(who, who))
    for marker, kind in (("★", "moment"), ("!", "gap")):
        body.append(_text(legend_x, legend_y, f"{marker} {labels.get(kind, kind)}", 11))
        legend_x += 40 + 7 * len(labels.get(kind, kind))
    return _svg(width, height, body, title)


def vote_bars_svg(tally, labels):
    """A horizontal stacked bar of the revealed votes, with counts; labels per choice."""
    colours = {"agree": "#1a7f37", "abstain": "#9ca3af", "disagree": "#d97706", "block": RED}
    total = sum(tally.values()) or 1
    width, x = 320, 0
    body = []
    for choice in ("agree", "abstain", "disagree", "block"):
        w = width * tally.get(choice, 0) / total
        if w:
            body.append(f'<rect x="{x}" y="4" width="{w}" height="26" fill="{colours[choice]}"/>')
            if w > 18:
                body.append(_text(x + w / 2, 22, tally[choice], 13, "bold", "#ffffff", "middle"))
        x += w
    if not sum(tally.values()):
        body.append(f'<rect x="0" y="4" width="{width}" height="26" fill="#e5e7eb"/>')
    legend_x = 0
    for choice in ("agree", "abstain", "disagree", "block"):
        body.append(
            f'<rect x="{legend_x}" y="40" width="10" height="10" fill="{colours[choice]}"/>'
        )
        body.append(_text(legend_x + 14, 50, f"{labels[choice]} {tally.get(choice, 0)}", 11))
        legend_x += 80
    return _svg(width, 60, body, " · ".join(f"{labels[c]} {tally.get(c, 0)}" for c in colours))
