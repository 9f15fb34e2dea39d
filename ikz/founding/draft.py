"""The draft of the agreement or statute (`ikz founding write-draft`): its sections from
the rule pack's required clauses, the recorded ones (states.clauses) and the general
ones every draft carries, rendered to Markdown with the template of the form.

Templates are Jinja2 files beside the rule packs: `templates/<form>.md.j2`, or
`templates/<state>/<form>.md.j2` for one state's wording, each extending
`templates/base.md.j2`; the directory `templates/` inside IKZ_FOUNDING_RULES_DIR comes
first, so a coordinator who adds a state can add its wording. A clause still missing is a
visible placeholder naming the command that records it. The draft is German: it is the
text the councils resolve.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from jinja2 import (
    Environment,
    FileSystemLoader,
    StrictUndefined,
    TemplateError,
    TemplateNotFound,
    TemplateSyntaxError,
)
from jinja2.sandbox import SandboxedEnvironment

from states.clauses import (
    COMPOSED,
    EVALUATION,
    GENERAL,
    PARTNERS,
    TASKS,
    TERM,
    TERMINATION,
    ClauseFact,
    latest,
)
from states.errors import IkzError
from states.rulepack import FormRules

TEMPLATES_DIR = Path(__file__).parent / "templates"


@dataclass(frozen=True)
class Party:
    name: str
    ags: str


@dataclass(frozen=True)
class DraftData:
    cooperation_id: int
    title: str
    field_of_work: str
    description: str
    state: str
    state_name: str
    law: str
    form: str
    rules: FormRules
    parties: tuple[Party, ...]
    goals: tuple[str, ...]
    clauses: tuple[ClauseFact, ...]
    authority_kind: str
    target_effective_on: date | None
    written_on: date


@dataclass(frozen=True)
class Section:
    code: str
    heading: str
    paragraphs: tuple[str, ...]
    missing: bool = False
    items: tuple[str, ...] = field(default=())


def _de(day: date) -> str:
    return day.strftime("%d.%m.%Y")


def placeholder(d: DraftData, code: str, label: str) -> str:
    return (
        f"**[FEHLT: {label} – erfassen mit `ikz founding clause {d.cooperation_id} "
        f"--clause {code} --text ...`]**"
    )


def _recorded(d: DraftData, code: str, label: str) -> Section:
    found = latest(d.clauses).get(code)
    if found is None or not found.text.strip():
        return Section(code, label, (placeholder(d, code, label),), missing=True)
    extra: list[str] = []
    if code == TERM:
        extra.append(
            "Die Vereinbarung gilt auf unbestimmte Zeit."
            if found.open_ended
            else f"Laufzeit: {found.term_years} Jahre."
        )
    if code == TERMINATION and found.notice_months:
        extra.append(f"Kündigungsfrist: {found.notice_months} Monate.")
    if code == EVALUATION and found.evaluation_on:
        extra.append(f"Die Zusammenarbeit wird zum {_de(found.evaluation_on)} evaluiert.")
    return Section(code, label, (found.text, *extra))


def sections(d: DraftData) -> list[Section]:
    """Every section of the draft in order: the partners, the tasks, the rule pack's other
    required clauses, then the general ones (term, termination, escalation, exit,
    evaluation) not yet covered."""
    out: list[Section] = []
    done: set[str] = set()
    for req in d.rules.clauses:
        if req.code in PARTNERS:
            items = tuple(f"{p.name} (AGS {p.ags})" for p in d.parties)
            if len(d.parties) < 2:
                out.append(
                    Section(req.code, req.label, ("**[FEHLT: mindestens zwei Partner]**",), True)
                )
            else:
                out.append(Section(req.code, req.label, (), items=items))
        elif req.code == TASKS:
            own = latest(d.clauses).get(TASKS)
            if own is not None and own.text.strip():
                out.append(Section(TASKS, req.label, (own.text,)))
            elif d.goals:
                lead = f"Aufgabenfeld: {d.field_of_work}. Ziele der Zusammenarbeit:"
                out.append(Section(TASKS, req.label, (lead,), items=d.goals))
            else:
                out.append(
                    Section(TASKS, req.label, (placeholder(d, TASKS, req.label),), missing=True)
                )
        elif req.code in COMPOSED:
            for part in COMPOSED[req.code]:
                out.append(_recorded(d, part, GENERAL[part][0]))
                done.add(part)
        else:
            out.append(_recorded(d, req.code, req.label))
        done.add(req.code)
    for code, (label, _) in GENERAL.items():
        if code not in done:
            out.append(_recorded(d, code, label))
    return out


def effect_text(d: DraftData) -> str:
    r = d.rules
    where = f" ({r.publication.where})" if r.publication.where else ""
    first = {
        "day_after_publication": f"Sie tritt am Tag nach ihrer Bekanntmachung{where} in Kraft",
        "on_publication": f"Sie wird mit der Bekanntmachung{where} wirksam",
        "after_resolutions_and_signatures": (
            "Sie wird wirksam, sobald alle Beteiligten beschlossen und unterzeichnet haben"
        ),
    }[r.effect.rule]
    if d.target_effective_on and r.effect.later_date_allowed:
        first += f", frühestens am {_de(d.target_effective_on)}"
    parts = [f"{first} ({r.effect.source.cite()})."]
    if d.authority_kind == "approval":
        parts.insert(
            0, f"Sie bedarf der Genehmigung der Aufsichtsbehörde ({r.authority.source.cite()})."
        )
    elif d.authority_kind == "notice":
        parts.insert(0, f"Sie wird der Aufsichtsbehörde angezeigt ({r.authority.source.cite()}).")
    return " ".join(parts)


def _env(extra_dir: Path | None) -> Environment:
    # Sandboxed: a template from the coordinator's directory reads the draft's data and
    # calls no method that is not safe (jinja2.sandbox).
    dirs = [str(extra_dir / "templates")] if extra_dir is not None else []
    return SandboxedEnvironment(
        loader=FileSystemLoader([*dirs, str(TEMPLATES_DIR)]),
        undefined=StrictUndefined,
        autoescape=False,  # Markdown, written to a file the coordinator opens
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_markdown(d: DraftData, extra_dir: Path | None = None) -> str:
    env = _env(extra_dir)
    names = [f"{d.state.lower()}/{d.form}.md.j2", f"{d.form}.md.j2"]
    try:
        template = env.select_template(names)
    except TemplateNotFound:
        raise IkzError(
            "draft_template_missing",
            f"Keine Vorlage für {d.form} ({d.state}): {' oder '.join(names)} fehlt.",
            f"No template for {d.form} ({d.state}): {' or '.join(names)} is missing.",
        ) from None
    except TemplateError as exc:
        raise _broken(names[0], exc) from None
    try:
        return template.render(
            d=d, sections=sections(d), effect=effect_text(d), written_on=_de(d.written_on)
        )
    except TemplateError as exc:
        raise _broken(template.name or names[-1], exc) from None


def _broken(name: str, exc: TemplateError) -> IkzError:
    """A template a coordinator wrote that does not render: one line naming it."""
    where = f", Zeile {exc.lineno}" if isinstance(exc, TemplateSyntaxError) else ""
    msg = " ".join(str(exc.message or type(exc).__name__).split())
    return IkzError(
        "draft_template_broken",
        f"Vorlage {name}{where}: {msg}.",
        f"Template {name}{where.replace('Zeile', 'line')}: {msg}.",
    )


def missing_codes(d: DraftData) -> list[str]:
    return [s.code for s in sections(d) if s.missing]
