"""The success report as Markdown, German by default, English on request."""

from __future__ import annotations

from collections.abc import Callable

from ikz.reporting.data import ReportData
from ikz.reporting.names import CHARTS
from ikz.views.funding import euro, percent
from ikz.views.health import check_markdown
from ikz.views.local_time import local_date
from states.costkey import percent_text
from states.health import MARKS, Colour, colour_label
from states.savings import Saving

COMM_KINDS: dict[str, tuple[str, str]] = {
    "press_release": ("Pressemitteilung", "Press release"),
    "info_event": ("Informationsveranstaltung", "Information event"),
    "joint_branding": ("Gemeinsamer Auftritt", "Joint branding"),
}
COMM_STATUS: dict[str, tuple[str, str]] = {
    "planned": ("geplant", "planned"),
    "done": ("umgesetzt", "done"),
}

# Chart file name -> what to put in the image link (a relative file, a data: URI, ...).
ImageSrc = Callable[[str], str]


def _cell(text: str | None) -> str:
    return (text or "–").replace("|", "\\|").replace("\n", " ")


def _image(d: ReportData, name: str, src: ImageSrc | None) -> list[str]:
    return [f"![{d.t(*CHARTS[name])}]({src(name)})", ""] if src else []


def goal_lines(d: ReportData) -> list[str]:
    out = [f"## {d.t('Ziele und Erreichtes', 'Goals and achievements')}", ""]
    measurable = sum(1 for _, target in d.goals if target)
    visible = sum(1 for x in d.successes if x.made_visible)
    out += [
        d.t(
            f"{len(d.goals)} Ziel(e), davon {measurable} mit Zielwert; "
            f"{len(d.successes)} Erfolg(e) erfasst, davon {visible} öffentlich sichtbar gemacht.",
            f"{len(d.goals)} goal(s), {measurable} with a target; "
            f"{len(d.successes)} success(es) recorded, {visible} made public.",
        ),
        "",
        f"| {d.t('Ziel', 'Goal')} | {d.t('Zielwert', 'Target')} |",
        "|---|---|",
    ]
    out += [f"| {_cell(text)} | {_cell(target)} |" for text, target in d.goals] or [
        f"| {d.t('(keine Ziele erfasst)', '(no goals recorded)')} | – |"
    ]
    out += [
        "",
        f"| {d.t('Erreicht', 'Achieved')} | {d.t('Kennzahl', 'Metric')} | "
        f"{d.t('Wert', 'Value')} | {d.t('Sichtbar gemacht durch', 'Made visible by')} |",
        "|---|---|---|---|",
    ]
    out += [
        f"| {_cell(x.what)} | {_cell(x.metric)} | {_cell(x.value)} | "
        f"{_cell(x.made_visible or d.t('noch nicht öffentlich', 'not public yet'))} |"
        for x in d.successes
    ] or [f"| {d.t('(noch keine Erfolge)', '(no successes yet)')} | – | – | – |"]
    if d.communications:
        out += ["", f"{d.t('Kommunikation', 'Communication')}:", ""]
        for c in d.communications:
            kind = d.t(*COMM_KINDS.get(c.kind, (c.kind, c.kind)))
            status = d.t(*COMM_STATUS.get(c.status, (c.status, c.status)))
            when = f", {c.planned_on.isoformat()}" if c.planned_on else ""
            out.append(f"- {kind}" + (f" „{c.title}“" if c.title else "") + f" ({status}{when})")
    return [*out, ""]


def benefit_lines(d: ReportData) -> list[str]:
    out = [
        f"## {d.t('Nutzen je Partner', 'Benefit per partner')}",
        "",
        f"| {d.t('Kommune', 'Municipality')} | {d.t('benannt', 'stated')} | "
        f"{d.t('bestätigt', 'confirmed')} |",
        "|---|---|---|",
    ]
    for p in d.partners_by_name:
        confirmed = p.confirmed_benefit or d.t("noch offen", "not yet")
        out.append(f"| {_cell(p.name)} | {_cell(p.stated_benefit)} | {_cell(confirmed)} |")
    return [*out, ""]


def savings_lines(d: ReportData, src: ImageSrc | None) -> list[str]:
    """Costs before and after per partner, and the total savings (only with a baseline)."""
    sv = d.savings
    if sv is None:
        return []
    lang = d.lang
    out = [f"## {d.t('Einsparungen', 'Savings')}", "", *_image(d, "savings.png", src)]
    after = (
        d.t(f"nachher ({sv.year})", f"after ({sv.year})") if sv.year else d.t("nachher", "after")
    )
    out += [
        f"| {d.t('Kommune', 'Municipality')} | {d.t('vorher', 'before')} | {after} | "
        f"{d.t('eingespart', 'saved')} | % |",
        "|---|---:|---:|---:|---:|",
    ]
    for p in sv.partners:
        if p.after is None:
            out.append(f"| {_cell(p.name)} | {euro(p.before, lang)} | – | – | – |")
            continue
        s = Saving(p.before, p.after)
        out.append(
            f"| {_cell(p.name)} | {euro(p.before, lang)} | {euro(p.after, lang)} | "
            f"{euro(s.saved, lang)} | {percent(s.percent, lang)} |"
        )
    out.append("")
    if sv.total is not None:
        t = sv.total
        out.append(
            d.t(
                f"Gesamt {sv.total_year}: {euro(t.before, lang)} vorher, {euro(t.after, lang)} "
                f"nachher, {euro(t.saved, lang)} eingespart ({percent(t.percent, lang)}).",
                f"Total {sv.total_year}: {euro(t.before, lang)} before, {euro(t.after, lang)} "
                f"after, {euro(t.saved, lang)} saved ({percent(t.percent, lang)}).",
            )
        )
    else:
        out.append(
            d.t(
                "Noch kein Jahr mit Ist-Kosten aller Partner (ikz funding actual).",
                "No year with every partner's actual costs yet (ikz funding actual).",
            )
        )
    return [*out, ""]


def balance_lines(d: ReportData, src: ImageSrc | None) -> list[str]:
    out = [f"## {d.t('Geben und Nehmen', 'Give and take')}", ""]
    out += _image(d, "balance.png", src)
    keyed = any(p.share is not None for p in d.partners)
    share_head = f" {d.t('Kostenanteil', 'Cost share')} |" if keyed else ""
    out += [
        f"| {d.t('Kommune', 'Municipality')} | {d.t('zu ihren Gunsten', 'in its favour')} | "
        f"{d.t('zugestanden', 'conceded')} |{share_head}",
        "|---|---|---|" + ("---:|" if keyed else ""),
    ]
    for p in d.partners_by_name:
        share = ""
        if keyed:
            share = f" {percent_text(p.share, d.lang) if p.share is not None else '–'} |"
        out.append(f"| {_cell(p.name)} | {p.wins} | {p.concessions} |{share}")
    out.append("")
    for x in d.decisions:
        givers = ", ".join(x.conceders) or "–"
        out.append(
            d.t(
                f"- {x.decided_on} {x.subject}: zugunsten von {x.winner}; "
                f"Zugeständnis von {givers}: {x.concession or '–'}",
                f"- {x.decided_on} {x.subject}: in favour of {x.winner}; "
                f"conceded by {givers}: {x.concession or '–'}",
            )
        )
    if not d.decisions:
        out.append(d.t("- (keine Entscheidungen erfasst)", "- (no decisions recorded)"))
    return [*out, ""]


def check_lines(d: ReportData, src: ImageSrc | None) -> list[str]:
    if d.lang == "de":
        lines = check_markdown(d.check, d.history)
    else:
        c = d.check
        head = f"{MARKS[c.overall]} {colour_label(c.overall, 'en')}" if c.verdicts else "–"
        lines = [f"## Cooperation check: {head}", "", c.summary.en]
        if c.verdicts:
            lines += ["", "| Factor | Light | Reasons |", "|---|---|---|"]
            for v in c.verdicts:
                why = "<br>".join(m.en for m in v.reasons)
                lines.append(f"| {v.factor}. {v.name('en')} | {MARKS[v.colour]} | {why} |")
        if d.history:
            marks = " → ".join(MARKS[Colour(r.overall)] for r in d.history)
            lines += ["", f"Trend of the last {len(d.history)} reviews: {marks}"]
    rest = lines[2:] if len(lines) > 1 and lines[1] == "" else lines[1:]
    return [lines[0], "", *_image(d, "check-trend.png", src), *rest, ""]


def markdown(d: ReportData, src: ImageSrc | None = None) -> str:
    """The report; `src` turns a chart's file name into its image link (no charts if None)."""
    partners = ", ".join(p.name for p in d.partners_by_name)
    out = [
        f"# {d.t('Erfolgsbericht', 'Success report')}: {d.title}",
        "",
        d.t(
            f"Stand: {local_date(d.now, 'de')} · Zustand: {d.state_label(d.state)} · "
            f"Partner: {partners}",
            f"As of: {local_date(d.now, 'en')} · State: {d.state_label(d.state)} · "
            f"Partners: {partners}",
        ),
        "",
        f"## {d.t('Verlauf', 'Timeline')}",
        "",
        *_image(d, "timeline.png", src),
    ]
    for stay in d.stays:
        # Days in Berlin time, as people there count them.
        until = local_date(stay.end, d.lang) if stay.end else d.t("heute", "today")
        out.append(f"- {local_date(stay.start, d.lang)} – {until}: {d.state_label(stay.state)}")
    out.append("")
    out += goal_lines(d) + benefit_lines(d) + savings_lines(d, src)
    out += balance_lines(d, src) + check_lines(d, src)
    return "\n".join(out).rstrip() + "\n"
