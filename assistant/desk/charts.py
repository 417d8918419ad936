"""Small server-rendered SVG charts for the staff pages (no charting library, no CDN)."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

BAR_COLOUR = "#417690"  # the admin's own blue


def horizontal_bars(rows: list[tuple[str, int]], *, width: int = 560, bar_height: int = 22) -> SafeString:
    """One labelled bar per row, longest first as given."""
    if not rows:
        return mark_safe('<p class="help">No data for this period.</p>')
    label_width = 210
    top = max(value for _, value in rows) or 1
    height = bar_height * len(rows) + 4
    parts = [
        f'<svg role="img" aria-label="bar chart" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        'xmlns="http://www.w3.org/2000/svg" font-family="sans-serif" font-size="12">'
    ]
    for i, (label, value) in enumerate(rows):
        y = i * bar_height + 2
        length = int((width - label_width - 50) * value / top)
        parts.append(f'<text x="{label_width - 6}" y="{y + 15}" text-anchor="end">{escape(label)}</text>')
        parts.append(
            f'<rect x="{label_width}" y="{y + 3}" width="{max(length, 1)}" height="{bar_height - 6}" fill="{BAR_COLOUR}"/>'
        )
        parts.append(f'<text x="{label_width + length + 6}" y="{y + 15}">{value}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))


def daily_columns(rows: list[tuple[object, int]], *, width: int = 560, height: int = 140) -> SafeString:
    """A column per day, with the first and last dates under the axis."""
    if not rows:
        return mark_safe('<p class="help">No data for this period.</p>')
    top = max(value for _, value in rows) or 1
    plot_height = height - 30
    step = width / len(rows)
    parts = [
        f'<svg role="img" aria-label="turns per day" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        'xmlns="http://www.w3.org/2000/svg" font-family="sans-serif" font-size="11">'
    ]
    for i, (day, value) in enumerate(rows):
        bar = int(plot_height * value / top)
        x = i * step
        parts.append(
            f'<rect x="{x + 1:.1f}" y="{plot_height - bar + 10}" width="{max(step - 2, 1):.1f}" height="{bar}" fill="{BAR_COLOUR}">'
            f"<title>{escape(str(day))}: {value}</title></rect>"
        )
    parts.append(f'<text x="0" y="{height - 4}">{escape(str(rows[0][0]))}</text>')
    parts.append(f'<text x="{width}" y="{height - 4}" text-anchor="end">{escape(str(rows[-1][0]))}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))
