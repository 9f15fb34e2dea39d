"""Factors 5 to 8 of the Kooperations-Check: visibility, pragmatism, the long-term view
and conflict handling. Each returns its findings: a colour and a bilingual reason per
thing looked at.
"""

from __future__ import annotations

from datetime import datetime

from states.health.factors_common import (
    AGREEMENT,
    AGREEMENT_LABELS,
    EVALUATION,
    GREEN,
    LEVEL_LABELS,
    PERMANENT,
    PILOT,
    RED,
    YELLOW,
    days_in_state,
    join_names,
    pilot_days,
    reached,
    stage_of,
    steering,
)
from states.health.factors_founding import (
    assessment_findings,
    escalation_findings,
    formalism_findings,
    term_findings,
)
from states.health.factors_funding import funding_findings
from states.health.rules import Findings, HealthRules
from states.snapshot import CooperationSnapshot
from states.vocab import ConflictLevel, ConflictStatus, level_at_least

# --- 5 visibility ------------------------------------------------------------------------


def visibility(s: CooperationSnapshot, now: datetime, r: HealthRules) -> Findings:
    f = Findings(5)
    stage = stage_of(s)
    planned = sum(1 for _, status in s.communications if status == "planned")
    done = sum(1 for _, status in s.communications if status == "done")
    if not s.communications:
        # Communication from the start (factor 5): missing is never just "not yet".
        f.add(
            RED if reached(stage, PILOT) else YELLOW,
            "communication_not_planned",
            "Keine Kommunikationsmaßnahme geplant: Bürgerinnen und Bürger von Anfang an "
            "mitnehmen (Pressemitteilung, Infoveranstaltung, gemeinsamer Auftritt).",
            "No communication measure planned: take citizens along from the start "
            "(press release, info event, joint branding).",
        )
    elif done == 0 and reached(stage, PILOT) and pilot_days(s, now) > (r.communication_done_days):
        f.add(
            YELLOW,
            "communication_not_done",
            f"{planned} Kommunikationsmaßnahme(n) geplant, aber noch keine umgesetzt.",
            f"{planned} communication measure(s) planned, none carried out yet.",
        )
    else:
        f.add(
            GREEN,
            "communication",
            f"Kommunikation: {done} umgesetzt, {planned} geplant.",
            f"Communication: {done} carried out, {planned} planned.",
        )
    hidden = s.successes - s.visible_successes
    if reached(stage, EVALUATION) and s.visible_successes == 0:
        f.add(
            RED if stage == PERMANENT else YELLOW,
            "no_visible_success",
            "Noch kein Erfolg für Bürgerinnen und Bürger sichtbar gemacht.",
            "No success made visible to citizens yet.",
        )
    elif s.visible_successes:
        f.add(
            GREEN,
            "successes_visible",
            f"{s.visible_successes} Erfolg(e) öffentlich sichtbar gemacht.",
            f"{s.visible_successes} success(es) made visible to the public.",
        )
    if hidden > 0:
        f.add(
            YELLOW,
            "successes_not_visible",
            f"{hidden} Erfolg(e) noch nicht öffentlich gemacht.",
            f"{hidden} success(es) not yet made public.",
        )
    return f


# --- 6 pragmatism ------------------------------------------------------------------------


def agreement_days(s: CooperationSnapshot, now: datetime) -> int:
    """Days spent in the agreement state over all stays (a pause ends a stay)."""
    periods = s.agreement_periods
    if not periods and s.state == AGREEMENT and s.state_entered_at is not None:
        periods = ((s.state_entered_at, None),)
    return sum(max(0, ((left or now) - entered).days) for entered, left in periods)


def pragmatism(s: CooperationSnapshot, now: datetime, r: HealthRules) -> Findings:
    f = Findings(6)
    stage = stage_of(s)
    if not reached(stage, AGREEMENT):
        f.add(
            GREEN,
            "agreement_not_yet",
            "Vereinbarungsphase noch nicht erreicht.",
            "Agreement phase not reached yet.",
        )
        formalism_findings(s, now, r, f, piloting=False)
        return f
    days = agreement_days(s, now)
    # Only a stay still going on can be shortened; a long one in the past is a note.
    if stage == AGREEMENT and days > r.agreement_warn_days:
        colour = RED if days > r.agreement_red_days else YELLOW
        limit = r.agreement_red_days if colour is RED else r.agreement_warn_days
        f.add(
            colour,
            "agreement_too_long",
            f"Seit {days} Tagen in der Vereinbarungsphase (mehr als {limit}): pragmatisch "
            "starten, für den Pilot genügt eine Absichtserklärung.",
            f"{days} days in the agreement phase (more than {limit}): start pragmatically, "
            "a letter of intent is enough for a pilot.",
        )
    else:
        f.add(
            GREEN,
            "agreement_days",
            f"{days} Tage in der Vereinbarungsphase.",
            f"{days} days in the agreement phase.",
        )
    if not reached(stage, EVALUATION):
        heavy = sorted({k for k in s.agreement_kinds if k in r.heavy_agreements})
        if heavy:
            de = join_names([AGREEMENT_LABELS.get(k, (k, k))[0] for k in heavy])
            en = join_names([AGREEMENT_LABELS.get(k, (k, k))[1] for k in heavy])
            f.add(
                YELLOW,
                "agreement_heavy",
                f"Schweres Regelwerk vor der Evaluation ({de}): für einen Versuch genügt "
                "eine Absichtserklärung.",
                f"Heavy rules before the evaluation ({en}): a letter of intent is enough "
                "for a trial.",
            )
    formalism_findings(s, now, r, f, piloting=stage == PILOT)
    return f


# --- 7 long-term view --------------------------------------------------------------------


def long_term(s: CooperationSnapshot, now: datetime, r: HealthRules) -> Findings:
    f = Findings(7)
    stage = stage_of(s)
    if s.parent_id is not None:
        f.add(
            GREEN,
            "is_follow_up",
            f"Folgekooperation von #{s.parent_id}.",
            f"Follow-up of #{s.parent_id}.",
        )
    if not reached(stage, PILOT):
        f.add(
            GREEN,
            "legal_form_not_due",
            "Die dauerhafte Rechtsform wird bis zur Evaluation gewählt.",
            "The permanent legal form is chosen by the evaluation.",
        )
        term_findings(s, r, f)
        assessment_findings(s, now, r, f)
        funding_findings(s, now.date(), f)
        return f
    if s.legal_form:
        f.add(
            GREEN,
            "legal_form_chosen",
            f"Dauerhafte Rechtsform gewählt: {s.legal_form}.",
            f"Permanent legal form chosen: {s.legal_form}.",
        )
    elif stage == EVALUATION:
        days = days_in_state(s, EVALUATION, now)
        f.add(
            RED if days > r.legal_form_red_days else YELLOW,
            "legal_form_missing",
            f"In der Evaluation (seit {days} Tagen) ist noch keine dauerhafte Rechtsform gewählt.",
            f"In evaluation (for {days} days) and no permanent legal form chosen yet.",
        )
    elif pilot_days(s, now) > r.legal_form_pilot_days:
        f.add(
            YELLOW,
            "legal_form_late",
            f"Pilot läuft seit {pilot_days(s, now)} Tagen ohne Plan für eine dauerhafte "
            "Rechtsform.",
            f"Pilot running for {pilot_days(s, now)} days without a plan for a permanent "
            "legal form.",
        )
    else:
        f.add(
            GREEN,
            "legal_form_by_evaluation",
            "Dauerhafte Rechtsform bis zur Evaluation wählen.",
            "Choose the permanent legal form by the evaluation.",
        )
    if stage == PERMANENT:
        if s.children:
            f.add(
                GREEN,
                "follow_ups",
                f"{s.children} Folgekooperation(en) angestoßen.",
                f"{s.children} follow-up cooperation(s) spawned.",
            )
        elif days_in_state(s, PERMANENT, now) > r.follow_up_warn_days:
            f.add(
                YELLOW,
                "no_follow_up",
                "Seit langem dauerhaft, aber keine Folgekooperation: gibt es ein nächstes "
                "gemeinsames Projekt?",
                "Permanent for long, but no follow-up: is there a next joint project?",
            )
        else:
            f.add(
                GREEN,
                "follow_up_open",
                "Noch keine Folgekooperation: aus einem Projekt wird oft mehr.",
                "No follow-up yet: one project often leads to more.",
            )
    term_findings(s, r, f)
    assessment_findings(s, now, r, f)
    funding_findings(s, now.date(), f)
    return f


# --- 8 conflict handling -----------------------------------------------------------------


def _level(level: str) -> tuple[str, str]:
    return LEVEL_LABELS.get(level, (level, level))


def conflicts(s: CooperationSnapshot, now: datetime, r: HealthRules) -> Findings:
    f = Findings(8)
    stage = stage_of(s)
    no_contact = [p.name for p in s.partners if p.contact_id is None]
    if no_contact:
        f.add(
            YELLOW,
            "contact_missing",
            f"Keine feste Ansprechperson: {join_names(no_contact)}.",
            f"No fixed contact person: {join_names(no_contact)}.",
        )
    for c in s.open_conflicts:
        age = max(0, (now - c.opened_at).days)
        de, en = _level(c.level)
        if level_at_least(c.level, ConflictLevel(r.conflict_red_level)):
            colour, code = RED, "conflict_escalated"
        elif age > r.conflict_red_days:
            colour, code = RED, "conflict_old"
        else:
            colour, code = YELLOW, "conflict_open"
        f.add(
            colour,
            code,
            f"Konflikt #{c.id} seit {age} Tagen offen, Stufe: {de}.",
            f"Conflict #{c.id} open for {age} days, level: {en}.",
        )
    resolved = [c for c in s.conflicts if c.status == ConflictStatus.RESOLVED]
    late = [c for c in resolved if level_at_least(c.level, ConflictLevel.STEERING_ROUND)]
    if resolved:
        # Resolved by the contact persons themselves is the good case; mostly only after
        # escalation means talks start too late.
        colour = YELLOW if 2 * len(late) > len(resolved) else GREEN
        f.add(
            colour,
            "conflicts_resolved",
            f"{len(resolved) - len(late)} von {len(resolved)} gelösten Konflikten vor einer "
            "Eskalation gelöst.",
            f"{len(resolved) - len(late)} of {len(resolved)} resolved conflicts settled "
            "before escalating.",
        )
    for c in s.conflicts:
        if (
            c.status == ConflictStatus.CLOSED_UNRESOLVED
            and (now - (c.closed_at or c.opened_at)).days <= r.unresolved_memory_days
        ):
            f.add(
                YELLOW,
                "conflict_unresolved",
                f"Konflikt #{c.id} wurde ungelöst geschlossen.",
                f"Conflict #{c.id} was closed unresolved.",
            )
    if not s.conflicts:
        f.add(GREEN, "no_conflicts", "Keine Konflikte erfasst.", "No conflicts recorded.")
    # Regular steering rounds are the channel for conflicts while the pilot runs.
    if stage in (PILOT, EVALUATION):
        f.items.extend(steering(s, now, r).items)
    escalation_findings(s, f)
    return f
