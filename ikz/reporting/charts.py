"""The report's charts as PNG bytes, drawn headless (matplotlib's Agg backend).

900 x 400 px at 100 dpi: readable in an email and in the Prefect UI. Labels follow the
report's language (German by default).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import datetime

import matplotlib

matplotlib.use("Agg")  # before pyplot: never look for a display

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import Formatter, FuncFormatter, Locator, MaxNLocator

from ikz.reporting.data import ReportData
from ikz.reporting.names import CHARTS
from states.health import FACTORS, RANK, Colour
from states.lifecycle import State

# matplotlib.dates is untyped: typed handles on the two functions used.
_num: Callable[[datetime], float] = mdates.date2num
_date_format: Callable[[str], Formatter] = mdates.DateFormatter
_date_ticks: Callable[..., Locator] = mdates.AutoDateLocator

SIZE = (9.0, 4.0)
DPI = 100
STATE_COLOURS: dict[State, str] = {
    State.INFORMAL_CONTACT: "#9ecae1",
    State.EXPLORATION: "#6baed6",
    State.AGREEMENT: "#4292c6",
    State.PILOT: "#2171b5",
    State.EVALUATION: "#08519c",
    State.PERMANENT: "#2ca02c",
    State.PAUSED: "#bdbdbd",
    State.ENDED: "#7f7f7f",
}
LIGHTS: dict[Colour, str] = {
    Colour.GREEN: "#2e9e44",
    Colour.YELLOW: "#f2c200",
    Colour.RED: "#d62728",
}
NO_DATA = "#e6e6e6"


def _png(fig: Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, facecolor="white")
    plt.close(fig)
    return buf.getvalue()


def _figure(title: str) -> tuple[Figure, Axes]:
    fig, ax = plt.subplots(figsize=SIZE, dpi=DPI, layout="constrained")
    ax.set_title(title, loc="left", fontsize=13, fontweight="bold")
    return fig, ax


def _empty(ax: Axes, text: str) -> None:
    ax.set_axis_off()
    ax.text(0.5, 0.5, text, ha="center", va="center", fontsize=14, color="#555555")


def timeline(data: ReportData) -> bytes:
    """The lifecycle as horizontal bars: one row per state, one bar per stay."""
    fig, ax = _figure(data.t(*CHARTS["timeline.png"]))
    if not data.stays:
        _empty(ax, data.t("Noch kein Verlauf erfasst", "No course recorded yet"))
        return _png(fig)
    order = [s for s in State if any(stay.state is s for stay in data.stays)]
    span = _num(data.now) - _num(data.stays[0].start)
    for stay in data.stays:
        end = stay.end or data.now
        start = _num(stay.start)
        width = max(_num(end) - start, span * 0.008, 0.5)  # a same-day stay stays visible
        ax.barh(
            order.index(stay.state),
            width,
            left=start,
            height=0.6,
            color=STATE_COLOURS[stay.state],
            edgecolor="white",
        )
    ax.set_yticks(range(len(order)), [data.state_label(s) for s in order])
    ax.invert_yaxis()  # first stage on top
    ax.xaxis_date()
    ax.xaxis.set_major_locator(_date_ticks(minticks=3, maxticks=7))
    ax.xaxis.set_major_formatter(_date_format("%d.%m.%y"))
    ax.axvline(_num(data.now), color="#333333", linestyle="--", linewidth=1)
    ax.text(
        _num(data.now),
        len(order) - 0.5,
        data.t(" heute", " today"),
        va="bottom",
        fontsize=9,
        color="#333333",
    )
    ax.grid(axis="x", color="#dddddd")
    ax.set_axisbelow(True)
    ax.spines[["top", "right"]].set_visible(False)
    return _png(fig)


def _columns(data: ReportData) -> tuple[list[str], list[dict[int, Colour]]]:
    """Stored checks oldest first, then the current one (if assessed)."""
    labels = [r.at.strftime("%d.%m.%y") for r in data.history]
    cols = [{int(f): Colour(c) for f, c in r.colours.items()} for r in data.history]
    current = data.check.colours()
    if current:
        labels.append(data.t("aktuell", "now"))
        cols.append(current)
    return labels, cols


def check_trend(data: ReportData) -> bytes:
    """One row per success factor, one column per stored check (and the current one)."""
    fig, ax = _figure(data.t(*CHARTS["check-trend.png"]))
    labels, cols = _columns(data)
    if not cols:
        _empty(ax, data.t("Noch kein Kooperations-Check vorhanden", "No cooperation check yet"))
        return _png(fig)
    # 0 no data, 1 green, 2 yellow, 3 red
    grid = [[RANK[col[f]] + 1 if f in col else 0 for col in cols] for f in FACTORS]
    cmap = ListedColormap(
        [NO_DATA, LIGHTS[Colour.GREEN], LIGHTS[Colour.YELLOW], LIGHTS[Colour.RED]]
    )
    ax.pcolormesh(grid, cmap=cmap, vmin=0, vmax=3, edgecolors="white", linewidth=2)
    ax.set_yticks(
        [i + 0.5 for i in range(len(FACTORS))],
        [f"{n} {FACTORS[n][2] if data.lang == 'de' else FACTORS[n][1]}" for n in FACTORS],
    )
    ax.invert_yaxis()
    step = max(1, len(labels) // 10)
    ticks = [i for i in range(len(labels)) if i % step == 0 or i == len(labels) - 1]
    ax.set_xticks([i + 0.5 for i in ticks], [labels[i] for i in ticks])
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    names = [data.t("grün", "green"), data.t("gelb", "yellow"), data.t("rot", "red")]
    ax.legend(
        handles=[Patch(color=LIGHTS[c], label=n) for c, n in zip(Colour, names, strict=True)],
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        frameon=False,
    )
    return _png(fig)


def balance(data: ReportData) -> bytes:
    """Per partner: decisions in its favour against concessions it made."""
    fig, ax = _figure(data.t(*CHARTS["balance.png"]))
    partners = data.partners_by_name
    if not data.decisions or not partners:
        _empty(ax, data.t("Noch keine Entscheidungen erfasst", "No decisions recorded yet"))
        return _png(fig)
    ys = range(len(partners))
    ax.barh(
        [y - 0.2 for y in ys],
        [p.wins for p in partners],
        height=0.4,
        color="#2171b5",
        label=data.t("zu ihren Gunsten", "in its favour"),
    )
    ax.barh(
        [y + 0.2 for y in ys],
        [p.concessions for p in partners],
        height=0.4,
        color="#fd8d3c",
        label=data.t("zugestanden", "conceded"),
    )
    ax.set_yticks(list(ys), [p.name for p in partners])
    ax.invert_yaxis()
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(data.t("Entscheidungen", "Decisions"))
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    return _png(fig)


def savings_chart(data: ReportData) -> bytes:
    """Per partner: the yearly costs of the task before the cooperation and in the latest
    year with actual costs; the total savings in per cent in the title."""
    sv = data.savings
    assert sv is not None
    title = data.t(*CHARTS["savings.png"])
    if sv.total is not None and sv.total.percent is not None:
        pct = f"{sv.total.percent}".replace(".", "," if data.lang == "de" else ".")
        title += data.t(
            f": {sv.total_year} gesamt {pct} % eingespart",
            f": {pct} % saved in total in {sv.total_year}",
        )
    fig, ax = _figure(title)
    ys = range(len(sv.partners))
    ax.barh(
        [y - 0.2 for y in ys],
        [float(p.before) for p in sv.partners],  # drawing only: the figures stay Decimal
        height=0.4,
        color="#9e9e9e",
        label=data.t("vorher (Ausgangsjahr)", "before (baseline year)"),
    )
    if sv.year is not None:
        ax.barh(
            [y + 0.2 for y in ys],
            [float(p.after) if p.after is not None else 0.0 for p in sv.partners],
            height=0.4,
            color="#2e9e44",
            label=data.t(f"nachher ({sv.year})", f"after ({sv.year})"),
        )
    ax.set_yticks(list(ys), [p.name for p in sv.partners])
    ax.invert_yaxis()
    ax.set_xlabel(data.t("Kosten je Jahr (€)", "Costs a year (€)"))
    ax.xaxis.set_major_formatter(
        FuncFormatter(lambda v, _: f"{v:,.0f}".replace(",", "." if data.lang == "de" else ","))
    )
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    return _png(fig)


def draw_all(data: ReportData) -> dict[str, bytes]:
    """File name -> PNG, in the order of `CHARTS`; the savings only with a baseline."""
    out = {
        "timeline.png": timeline(data),
        "check-trend.png": check_trend(data),
        "balance.png": balance(data),
    }
    if data.savings is not None:
        out["savings.png"] = savings_chart(data)
    return out
