"""Server-rendered SVG: the funnel, the journey map and vote bars. The same picture serves
the page and the PDF. User text is escaped; nothing here links or scripts."""

import re
from xml.sax.saxutils import escape

# Inter's three families in the PDF, in static/print.css's order; Arial or any sans-serif in
# a browser. No quotes: WeasyPrint's SVG reader keeps a quote that follows a space.
FONT = 'font-family="Inter Ext, Inter, Inter Symbols, Arial, sans-serif"'
NAVY, GOLD, TEAL, GREY, RED = "#1f3a5f", "#f4b942", "#2a7f8f", "#6b7280", "#b42318"
STAGE_COLOURS = ["#1f3a5f", "#27496f", "#2f5a80", "#3a6d93", "#4a82a6", "#2a7f8f", "#2f8f72"]


# Characters XML 1.0 cannot carry. Input refuses them, but a row stored before that rule
# must not break a picture: they become U+FFFD.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_text(value):
    """Text for an SVG text node or title: escaped, and only characters XML allows."""
    return escape(_NOT_XML.sub("\ufffd", str(value)))


def _text(x, y, content, size=14, weight="normal", fill="#111827", anchor="start"):
    return (
        f'<text x="{x}" y="{y}" font-size="{size}" font-weight="{weight}" fill="{fill}"'
        f' text-anchor="{anchor}" {FONT}>{xml_text(content)}</text>'
    )


def _svg(width, height, body, title):
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}"'
        f' width="{width}" height="{height}" role="img"><title>{xml_text(title)}</title>'
        f"{''.join(body)}</svg>"
    )


def funnel_svg(stages, title="Funnel", volume_label="per month", number=None, percent=None):
    """stages: [{"name", "volume", "conversion", "status"}] from the top of the funnel down.
    number(volume) and percent(conversion in percent) write the figures in the reader's
    language (the callers pass Babel's); plain English ones by default. A stage name wraps
    onto as many lines as the narrowest one needs and every row grows to that: no name is
    ever clipped."""
    number = number or (lambda value: f"{value:,.0f}")
    percent = percent or (lambda value: f"{value:g}%")
    width, top, bottom, cx, name_step = 760, 580, 230, 310, 17
    count = len(stages)

    def edges(i):
        """The widths of stage i's top and bottom edges."""
        if count == 1:
            return top, top
        return (
            top - (top - bottom) * i / (count - 1),
            top - (top - bottom) * min(1, (i + 1) / (count - 1)),
        )

    # About 8.4 px a character of 14 px bold Inter; 12 px of room on either side.
    names = [_wrap(s["name"], int((min(edges(i)) - 24) / 8.4)) for i, s in enumerate(stages)]
    has_volume = any(s.get("volume") is not None for s in stages)
    row = 16 + name_step * max([len(n) for n in names] + [1]) + (18 if has_volume else 0) + 8
    height = max(1, count) * row + 20
    body = []
    if not stages:
        body.append(_text(width / 2, 40, "—", anchor="middle", fill=GREY))
    for i, (stage, name) in enumerate(zip(stages, names, strict=True)):
        w1, w2 = edges(i)
        y = 10 + i * row
        colour = STAGE_COLOURS[i % len(STAGE_COLOURS)]
        dash = (
            ' stroke-dasharray="6 4" stroke="#9ca3af" stroke-width="2"'
            if stage.get("status") == "open"
            else ""
        )
        low = y + row - 6
        points = f"{cx - w1 / 2},{y} {cx + w1 / 2},{y} {cx + w2 / 2},{low} {cx - w2 / 2},{low}"
        body.append(f'<polygon points="{points}" fill="{colour}"{dash}/>')
        volume = stage.get("volume")
        block = name_step * len(name) + (18 if volume is not None else 0)
        baseline = y + (row - 6 - block) / 2 + 13
        body += _lines(cx, baseline, name, 14, name_step, weight="bold", fill="#ffffff",
                       anchor="middle")  # fmt: skip
        if volume is not None:
            body.append(
                _text(
                    cx,
                    baseline + name_step * (len(name) - 1) + 18,
                    f"{number(volume)} {volume_label}",
                    12,
                    fill="#e5e7eb",
                    anchor="middle",
                )
            )
        rate = _rate(stage, stages[i + 1]) if i < count - 1 else None
        if rate is not None:
            stated, value = rate
            body.append(
                f'<line x1="{cx + top / 2 + 12}" y1="{y + row - 3}" x2="{cx + top / 2 + 40}"'
                f' y2="{y + row - 3}" stroke="{GOLD}" stroke-width="3"/>'
            )
            body.append(
                _text(
                    cx + top / 2 + 48,
                    y + row + 2,
                    f"→ {percent(value)}" if stated else f"→ ≈ {percent(value)}",
                    14,
                    "bold",
                    NAVY,
                )
            )
    return _svg(width, height, body, title)


def _number(value):
    return None if isinstance(value, bool) or not isinstance(value, int | float) else value


def _rate(upper, lower):
    """The arrow between two tiers drawn one above the other: (True, the upper stage's stated
    conversion), or without one (False, the share of its volume that the lower one's volume
    is, marked ≈ in the picture), or None when neither is known. Every arrow sits between
    the two tiers it is about, whichever stages the picture leaves out."""
    if upper.get("conversion") is not None:
        return True, upper["conversion"]
    high, low = _number(upper.get("volume")), _number(lower.get("volume"))
    if high and high > 0 and low is not None and low >= 0:
        return False, round(low / high * 100, 1)
    return None


def _wrap(text, width):
    """Words into lines of at most about width characters, every word kept: a longer word
    is cut into pieces. Nothing is clipped; the picture grows instead."""
    width = max(4, width)
    words, lines, line = [], [], ""
    for word in " ".join(str(text).split()).split(" "):
        words += [word[k : k + width] for k in range(0, len(word), width)]
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    if line:
        lines.append(line)
    return lines


def _lines(x, y, lines, size, step, **style):
    return [_text(x, y + n * step, line, size, **style) for n, line in enumerate(lines)]


JOURNEY_ROLES = (("prospect", GREY), ("marketing", TEAL), ("sales", "#7c4dbd"))


def journey_svg(phases, moments, title="Journey", labels=None, per_row=None):
    """phases: [{"name", "prospect", "marketing", "sales"}]; moments: [{"name", "kind", "phase",
    "dots", "status"}]. One column per phase: what each side does, then its gaps (!) and
    moments of truth (★) with their dots. labels: legend texts per role and kind. Every text
    wraps onto the lines it needs and the rows grow with it: nothing is clipped.
    per_row: at most this many phases side by side, the rest in bands below (the page at
    laptop width shows the map at its own size instead of shrinking its text to 6 px)."""
    labels = labels or {}
    per_row = per_row or max(1, len(phases))
    bands = [phases[i : i + per_row] for i in range(0, len(phases), per_row)] or [[]]
    drawn = [_journey_band(band, moments) for band in bands]
    width = max(w for w, _, _ in drawn)
    height = sum(h for _, h, _ in drawn) + 40
    body = [f'<rect x="0" y="0" width="{width}" height="{height}" fill="#f8fafc"/>']
    offset = 0
    for _, band_height, band_body in drawn:
        body.append(f'<g transform="translate(0,{offset})">{"".join(band_body)}</g>')
        offset += band_height
    body += _journey_legend(height - 14, labels)
    return _svg(width, height, body, title)


def _journey_legend(legend_y, labels):
    body, legend_x = [], 12
    for who, colour in JOURNEY_ROLES:
        body.append(
            f'<rect x="{legend_x}" y="{legend_y - 9}" width="10" height="10" fill="{colour}"/>'
        )
        body.append(_text(legend_x + 14, legend_y, labels.get(who, who), 11))
        legend_x += 40 + 7 * len(labels.get(who, who))
    for marker, kind in (("★", "moment"), ("!", "gap")):
        body.append(_text(legend_x, legend_y, f"{marker} {labels.get(kind, kind)}", 11))
        legend_x += 40 + 7 * len(labels.get(kind, kind))
    return body


def _journey_band(phases, moments):
    """(width, height, body) of one band of phase columns, without the legend."""
    columns = max(1, len(phases))
    col_w, gap = 200, 12
    width = columns * (col_w + gap) + gap
    by_phase = {p["name"]: [] for p in phases}
    for moment in moments:
        by_phase.setdefault(moment.get("phase") or "", []).append(moment)
    # Characters a line: 13 px bold in a chevron, 10 px in a role row, 11 px bold in a box.
    names = [_wrap(p["name"], 22) for p in phases]
    roles = [[_wrap(p.get(who, ""), 33) for who, _ in JOURNEY_ROLES] for p in phases]
    boxes = {
        p["name"]: [_wrap(f"{'★' if m.get('kind') == 'moment' else '!'} {m['name']}", 29)
                    for m in by_phase[p["name"]]]
        for p in phases
    }  # fmt: skip
    chevron = max([44] + [14 + 15 * len(n) for n in names])
    role_heights = [
        max([40] + [13 * len(r[j]) + 2 for r in roles]) for j in range(len(JOURNEY_ROLES))
    ]
    any_dots = any(m.get("dots") for m in moments)
    box_h = max([58] + [12 + 14 * len(b) for bs in boxes.values() for b in bs])
    box_h += 20 if any_dots else 0
    rows = max([len(by_phase[p["name"]]) for p in phases] or [0])
    role_top = 20 + chevron + 12
    role_tops = [role_top + sum(role_heights[:j]) + 6 * j for j in range(len(JOURNEY_ROLES))]
    top_of_moments = role_tops[-1] + role_heights[-1] + 14 if phases else role_top
    height = top_of_moments + rows * (box_h + 8)
    body = []
    for i, phase in enumerate(phases):
        x = gap + i * (col_w + gap)
        half = chevron / 2
        body.append(
            f'<path d="M{x},20 h{col_w - 14} l14,{half} l-14,{half} h-{col_w - 14} l10,-{half} z"'
            f' fill="{NAVY}"/>'
        )
        first = 20 + half - 15 * (len(names[i]) - 1) / 2 + 5
        body += _lines(x + col_w / 2, first, names[i], 13, 15, weight="bold",
                       fill="#ffffff", anchor="middle")  # fmt: skip
        for j, (_who, colour) in enumerate(JOURNEY_ROLES):
            y = role_tops[j]
            body.append(
                f'<rect x="{x}" y="{y}" width="4" height="{role_heights[j]}" fill="{colour}"/>'
            )
            body += _lines(x + 10, y + 11, roles[i][j], 10, 13)
        for k, moment in enumerate(by_phase.get(phase["name"], [])):
            y = top_of_moments + k * (box_h + 8)
            is_moment = moment.get("kind") == "moment"
            fill, stroke = ("#fff7e0", GOLD) if is_moment else ("#fdecea", RED)
            border = 3 if moment.get("status") == "agreed" else 1.5
            body.append(
                f'<rect x="{x}" y="{y}" width="{col_w}" height="{box_h}" rx="6" fill="{fill}"'
                f' stroke="{stroke}" stroke-width="{border}"/>'
            )
            body += _lines(x + 8, y + 18, boxes[phase["name"]][k], 11, 14, weight="bold")
            if moment.get("dots"):
                dots = "●" * min(12, moment["dots"]) + f" {moment['dots']}"
                body.append(_text(x + 8, y + box_h - 9, dots, 11, fill=NAVY))
    return width, height, body


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
    # Each legend entry as wide as its words and number (about 6.5 px a character of 11 px
    # type), onto a second line when the first is full: no number is ever cut off.
    legend_x, legend_y = 0, 50
    for choice in ("agree", "abstain", "disagree", "block"):
        entry = f"{labels[choice]} {tally.get(choice, 0)}"
        entry_width = 14 + 6.5 * len(entry) + 12
        if legend_x and legend_x + entry_width > width:
            legend_x, legend_y = 0, legend_y + 16
        body.append(
            f'<rect x="{legend_x}" y="{legend_y - 10}" width="10" height="10"'
            f' fill="{colours[choice]}"/>'
        )
        body.append(_text(legend_x + 14, legend_y, entry, 11))
        legend_x += entry_width
    title = " · ".join(f"{labels[c]} {tally.get(c, 0)}" for c in colours)
    return _svg(width, legend_y + 10, body, title)
