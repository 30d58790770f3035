"""A review's report for leadership: one or two A4 pages (scorecard with statuses and trends,
escalations, decisions, actions), printed by WeasyPrint with the SLA document's fonts and
fetcher, in the workshop's language, from the review's kept scorecard."""

from datetime import date
from pathlib import Path

from babel import dates as babel_dates
from flask import current_app, render_template
from flask_babel import force_locale, gettext
from weasyprint import HTML

from .. import i18n, offload
from ..dashboard import trend
from ..dashboard.views import value_text
from ..document.render import StaticFetcher


def filename(workshop, review):
    return f"{workshop['code']}-review-{review['number']}.pdf"


def render_report(data) -> bytes:
    """The PDF of a review; call inside an app context."""
    static = Path(current_app.static_folder).resolve()
    fetcher = StaticFetcher(static, current_app.static_url_path)
    return offload.blocking(_print, report_html(data), static.as_uri() + "/", fetcher)


def _print(page, base_url, fetcher):
    """WeasyPrint's part, off the event loop (offload.py)."""
    return HTML(string=page, base_url=base_url, url_fetcher=fetcher).write_pdf(
        pdf_variant="pdf/a-3b"
    )


def report_html(data):
    workshop = data["workshop"]
    language = workshop["language"]

    def moment(iso):
        return i18n.moment(iso, workshop.get("time_zone"), language)

    def day(iso):
        return babel_dates.format_date(date.fromisoformat(iso[:10]), "long", locale=language)

    with force_locale(language):
        # Our own SVG (every label escaped in trend.py): the template marks it safe.
        charts = {k["id"]: _chart(k) for k in data["kpis"]}
        return render_template(
            "review_report.html",
            data=data,
            review=data["review"],
            workshop=workshop,
            charts=charts,
            moment=moment,
            day=day,
            value_text=value_text,
        )


def _chart(kpi):
    labels = {
        "title": gettext("Trend of %(kpi)s", kpi=kpi["text"]),
        "value": lambda v: value_text(v, kpi["unit"], kpi.get("currency")),
        "period": str,
        "version": lambda n: gettext("v%(n)s", n=n),
    }
    return trend.trend_svg(kpi["trend"], kpi["target"], kpi["direction"], kpi["tolerance"], labels)
