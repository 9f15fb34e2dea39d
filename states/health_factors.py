"""The eight factor checks of the Kooperations-Check (see states/health.py for the rules
shared by all factors and for the overall light). Each returns its findings: a colour and
a bilingual reason per thing looked at.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date, datetime

from states.health import Colour, Findings, HealthRules
from states.lifecycle import State, Trigger
from states.signals import size_ratio
from states.snapshot import CooperationSnapshot
from states.vocab import ConflictLevel, ConflictStatus, MeetingKind, level_at_least

# Enum members as module names: on Python 3.11 every `Colour.RED` or `State.PILOT` is a
# descriptor call, and a sweep runs these checks for tens of thousands of cooperations.
GREEN, YELLOW, RED = Colour.GREEN, Colour.YELLOW, Colour.RED
INFORMAL_CONTACT, EXPLORATION, AGREEMENT = (
    State.INFORMAL_CONTACT,
    State.EXPLORATION,
    State.AGREEMENT,
)
PILOT, EVALUATION, PERMANENT, PAUSED = State.PILOT, State.EVALUATION, State.PERMANENT, State.PAUSED
INFORMAL_KINDS = (MeetingKind.INFORMAL, MeetingKind.RETREAT)
STEERING_ROUND = MeetingKind.STEERING_ROUND

STAGES: tuple[State, ...] = (
    INFORMAL_CONTACT,
    EXPLORATION,
    AGREEMENT,
    PILOT,
    EVALUATION,
    PERMANENT,
)

LEVEL_LABELS: dict[str, tuple[str, str]] = {
    "raised": ("gemeldet", "raised"),
    "contact_talks": ("Gespräch der Ansprechpersonen", "contact persons' talks"),
    "steering_round": ("Steuerungsrunde", "steering round"),
    "moderation": ("neutrale Moderation", "neutral moderation"),
    "mayors": ("Bürgermeister:innen", "mayors"),
}

AGREEMENT_LABELS: dict[str, tuple[str, str]] = {
    "zweckverband_statutes": ("Zweckverbandssatzung", "Zweckverband statutes"),
    "zweckvereinbarung": ("Zweckvereinbarung", "Zweckvereinbarung"),
    "public_law_contract": ("öffentlich-rechtlicher Vertrag", "public-law contract"),
    "cooperation_agreement": ("Kooperationsvereinbarung", "cooperation agreement"),
    "letter_of_intent": ("Absichtserklärung", "letter of intent"),
}


def stage_of(s: CooperationSnapshot) -> State:
    if s.state == PAUSED:
        return s.paused_from or INFORMAL_CONTACT
    return s.state


STAGE_RANK: dict[State, int] = {stage: i for i, stage in enumerate(STAGES)}


def _reached(stage: State, target: State) -> bool:
    return STAGE_RANK.get(stage, -1) >= STAGE_RANK[target]


def _de_num(x: float) -> str:
    return f"{x:.1f}".replace(".", ",")


def _names(names: list[str]) -> str:
    return ", ".join(names)


def _days_in_state(s: CooperationSnapshot, state: State, now: datetime) -> int:
    """Days since entering `state` if the cooperation is in it now (0 when paused)."""
    if s.state != state or s.state_entered_at is None:
        return 0
    return max(0, (now - s.state_entered_at).days)


# --- 1 close exchange --------------------------------------------------------------------


def _exchange(s: CooperationSnapshot, now: datetime, r: HealthRules) -> Findings:
    f = Findings(1)
    stage, today = stage_of(s), now.date()
    held = sorted(m.held_on for m in s.meetings if m.kind in INFORMAL_KINDS and m.held_on <= today)
    if not held:
        # Right after opening this is simply the next step; a first talk that has not
        # happened for months, or a later stage without any, is a real gap.
        waiting = _days_in_state(s, INFORMAL_CONTACT, now)
        fresh = stage == INFORMAL_CONTACT and waiting <= r.silence_red_days
        colour = YELLOW if fresh else RED
        f.add(
            colour,
            "no_informal_exchange",
            "Noch kein informelles Gespräch und keine Klausur erfasst: Vertrauen wächst im "
            "persönlichen Austausch.",
            "No informal talk or retreat recorded yet: trust grows in personal exchange.",
        )
        return f
    days = (today - held[-1]).days
    if days > r.silence_warn_days:
        red_after = max(r.silence_red_days, r.silence_warn_days)  # warn may be set above red
        colour = RED if days > red_after else YELLOW
        limit = red_after if colour is RED else r.silence_warn_days
        f.add(
            colour,
            "exchange_silent",
            f"Seit {days} Tagen kein informeller Austausch oder Klausur (mehr als {limit}).",
            f"No informal exchange or retreat for {days} days (more than {limit}).",
        )
        return f  # the silence says it all; counting meetings would repeat it
    f.add(
        GREEN,
        "exchange_recent",
        f"Letzter informeller Austausch vor {days} Tagen.",
        f"Last informal exchange {days} days ago.",
    )
    if stage == INFORMAL_CONTACT:
        return f  # one first talk is all that can be expected yet
    window = r.exchange_window_days
    recent = sum(1 for d in held if (today - d).days <= window)
    if recent < r.exchange_min_count:
        f.add(
            YELLOW,
            "exchange_rare",
            f"In den letzten {window} Tagen nur {recent}-mal informeller Austausch oder "
            f"Klausur (mindestens {r.exchange_min_count}-mal empfohlen).",
            f"Only {recent} informal meeting(s) or retreat(s) in the last {window} days "
            f"(at least {r.exchange_min_count} recommended).",
        )
    else:
        f.add(
            GREEN,
            "exchange_frequent",
            f"{recent} informelle Treffen oder Klausuren in den letzten {window} Tagen.",
            f"{recent} informal meetings or retreats in the last {window} days.",
        )
    return f


# --- 2 common ground ---------------------------------------------------------------------


def _common_ground(s: CooperationSnapshot, now: datetime, r: HealthRules) -> Findings:
    f = Findings(2)
    stage = stage_of(s)
    # Written goals and benefits are the work of exploration; from agreement on they are due.
    missing = RED if _reached(stage, AGREEMENT) else YELLOW
    clear = False
    if not _reached(stage, EXPLORATION):
        f.add(
            GREEN,
            "goals_not_due",
            "Ziele und Nutzen je Partner werden in der Sondierung festgehalten.",
            "Goals and each partner's benefit are written down during exploration.",
        )
    else:
        n = len(s.goals)
        vague = max(0, n - s.measurable_goals)
        no_benefit = [p.name for p in s.partners if not p.stated_benefit]
        if n == 0:
            f.add(
                missing,
                "goals_missing",
                "Keine gemeinsamen Ziele schriftlich festgehalten.",
                "No shared goals written down.",
            )
        elif vague:
            f.add(
                YELLOW,
                "goals_not_measurable",
                f"{vague} von {n} Zielen ohne messbare Zielgröße.",
                f"{vague} of {n} goals without a measurable target.",
            )
        else:
            f.add(
                GREEN,
                "goals_measurable",
                f"{n} gemeinsame(s) Ziel(e), alle mit messbarer Zielgröße.",
                f"{n} shared goal(s), all with a measurable target.",
            )
        if no_benefit:
            f.add(
                missing,
                "benefit_missing",
                f"Nutzen nicht benannt für: {_names(no_benefit)}.",
                f"Benefit not stated for: {_names(no_benefit)}.",
            )
        else:
            f.add(
                GREEN,
                "benefits_stated",
                "Nutzen für jede Partnerkommune benannt.",
                "Benefit stated for every partner.",
            )
        clear = n > 0 and not vague and not no_benefit
    ratio = size_ratio(s)
    if ratio is not None and ratio > r.size_ratio_warn:
        # Advisory only: different sizes work when goals and benefits are clear.
        if clear:
            f.add(
                GREEN,
                "size_differs_goals_clear",
                f"Größenverhältnis {_de_num(ratio)} : 1, aber Ziele und Nutzen sind klar.",
                f"Size ratio {ratio:.1f} : 1, but goals and benefits are clear.",
            )
        else:
            f.add(
                YELLOW,
                "size_differs",
                f"Größenverhältnis {_de_num(ratio)} : 1: den Nutzen der kleineren Kommune "
                "besonders klar benennen.",
                f"Size ratio {ratio:.1f} : 1: state the smaller partner's benefit "
                "especially clearly.",
            )
    return f


# --- 3 giving ----------------------------------------------------------------------------


def _giving(s: CooperationSnapshot, now: datetime, r: HealthRules) -> Findings:
    f = Findings(3)
    n = len(s.decisions)
    if n == 0:
        f.add(
            GREEN,
            "ledger_empty",
            "Noch keine Entscheidungen im Geben-und-Nehmen-Register (z. B. Standort).",
            "No decisions in the give-and-take ledger yet (e.g. location).",
        )
        return f
    gained = Counter(d.benefiting_id for d in s.decisions if d.benefiting_id is not None)
    conceded = Counter(m for d in s.decisions for m in d.conceding_ids)
    balance = ", ".join(
        f"{p.name} +{gained[p.municipality_id]}/−{conceded[p.municipality_id]}" for p in s.partners
    )
    f.add(
        GREEN,
        "ledger_balance",
        f"{n} Entscheidung(en), Vorteile/Zugeständnisse: {balance}.",
        f"{n} decision(s), advantages/concessions: {balance}.",
    )
    if n < r.ledger_min_decisions:
        return f  # one decision always has a winner; a pattern needs more
    colour = RED if n >= r.ledger_red_decisions else YELLOW
    for p in s.partners:
        mid = p.municipality_id
        if conceded[mid] == n and gained[mid] == 0:
            f.add(
                colour,
                "ledger_always_concedes",
                f"{p.name} hat bei allen {n} Entscheidungen nachgegeben und nie profitiert.",
                f"{p.name} conceded in all {n} decisions and never benefited.",
            )
        elif gained[mid] == n and len(s.partners) > 2:
            f.add(
                colour,
                "ledger_always_gains",
                f"{p.name} hat von allen {n} Entscheidungen profitiert.",
                f"{p.name} benefited from all {n} decisions.",
            )
    return f


# --- 4 leadership ------------------------------------------------------------------------


def _leadership(s: CooperationSnapshot, now: datetime, r: HealthRules) -> Findings:
    f = Findings(4)
    stage, today = stage_of(s), now.date()
    no_mayor = [p.name for p in s.partners if p.mayor_id is None]
    if no_mayor:
        f.add(
            RED if _reached(stage, AGREEMENT) else YELLOW,
            "mayor_missing",
            f"Keine Bürgermeisterin/kein Bürgermeister als Sponsor: {_names(no_mayor)}.",
            f"No sponsoring mayor: {_names(no_mayor)}.",
        )
    gate = Trigger.START_PILOT.value
    signed = sum(1 for p in s.partners if (gate, p.municipality_id) in s.signoffs)
    if stage == AGREEMENT or (_reached(stage, PILOT) and signed):
        f.add(
            GREEN,
            "mayor_signoffs",
            f"Freigaben der Bürgermeister:innen für den Pilot: {signed} von {len(s.partners)}.",
            f"Mayors' sign-offs for the pilot: {signed} of {len(s.partners)}.",
        )
    if _reached(stage, PILOT):
        f.items.extend(_mayors_at_rounds(s, today, r).items)
    # Staff are to be involved early, at the latest before the pilot starts.
    if s.staff_involvements == 0:
        if _reached(stage, AGREEMENT):
            f.add(
                RED if _reached(stage, PILOT) else YELLOW,
                "staff_not_involved",
                "Mitarbeitende noch nicht beteiligt: spätestens vor dem Pilot einbinden.",
                "Staff not involved yet: involve them before the pilot at the latest.",
            )
        else:
            f.add(
                GREEN,
                "staff_early",
                "Mitarbeitende früh einbinden, spätestens vor dem Pilot.",
                "Involve staff early, before the pilot at the latest.",
            )
    elif (
        s.pilot_started_at is not None
        and s.staff_involved_on
        and min(s.staff_involved_on) > s.pilot_started_at.date()
    ):
        f.add(
            YELLOW,
            "staff_late",
            "Mitarbeitende erst nach dem Pilotstart beteiligt.",
            "Staff only involved after the pilot started.",
        )
    else:
        f.add(
            GREEN,
            "staff_involved",
            f"Mitarbeitende beteiligt ({s.staff_involvements}-mal erfasst).",
            f"Staff involved ({s.staff_involvements} time(s) recorded).",
        )
    return f


def _mayors_at_rounds(s: CooperationSnapshot, today: date, r: HealthRules) -> Findings:
    f = Findings(4)
    mayors = {p.mayor_id for p in s.partners if p.mayor_id is not None}
    rounds = [m for m in s.meetings if m.kind == STEERING_ROUND and m.held_on <= today]
    # A round without recorded attendees is unknown, not a round without mayors.
    known = [m for m in rounds if m.attendee_ids]
    if not mayors or not known:
        if rounds:
            f.add(
                GREEN,
                "mayor_attendance_unknown",
                "Teilnahme an den Steuerungsrunden nicht erfasst.",
                "Attendance at steering rounds not recorded.",
            )
        return f
    present = sum(len(mayors & set(m.attendee_ids)) for m in known)
    share = present / (len(known) * len(mayors))
    pct = round(share * 100)
    if share == 0:
        colour = RED
    elif share < r.mayor_attendance_warn:
        colour = YELLOW
    else:
        colour = GREEN
    f.add(
        colour,
        "mayors_at_steering_rounds",
        f"Bürgermeister:innen bei {pct} % der möglichen Teilnahmen an {len(known)} "
        "Steuerungsrunde(n).",
        f"Mayors at {pct} % of possible attendances of {len(known)} steering round(s).",
    )
    return f


# --- 5 visibility ------------------------------------------------------------------------


def _visibility(s: CooperationSnapshot, now: datetime, r: HealthRules) -> Findings:
    f = Findings(5)
    stage = stage_of(s)
    planned = sum(1 for _, status in s.communications if status == "planned")
    done = sum(1 for _, status in s.communications if status == "done")
    if not s.communications:
        # Communication from the start (factor 5): missing is never just "not yet".
        f.add(
            RED if _reached(stage, PILOT) else YELLOW,
            "communication_not_planned",
            "Keine Kommunikationsmaßnahme geplant: Bürgerinnen und Bürger von Anfang an "
            "mitnehmen (Pressemitteilung, Infoveranstaltung, gemeinsamer Auftritt).",
            "No communication measure planned: take citizens along from the start "
            "(press release, info event, joint branding).",
        )
    elif done == 0 and _reached(stage, PILOT) and _pilot_days(s, now) > (r.communication_done_days):
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
    if _reached(stage, EVALUATION) and s.visible_successes == 0:
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


def _pilot_days(s: CooperationSnapshot, now: datetime) -> int:
    return (now - s.pilot_started_at).days if s.pilot_started_at else 0


# --- 6 pragmatism ------------------------------------------------------------------------


def agreement_days(s: CooperationSnapshot, now: datetime) -> int:
    """Days spent in the agreement state over all stays (a pause ends a stay)."""
    periods = s.agreement_periods
    if not periods and s.state == AGREEMENT and s.state_entered_at is not None:
        periods = ((s.state_entered_at, None),)
    return sum(max(0, ((left or now) - entered).days) for entered, left in periods)


def _pragmatism(s: CooperationSnapshot, now: datetime, r: HealthRules) -> Findings:
    f = Findings(6)
    stage = stage_of(s)
    if not _reached(stage, AGREEMENT):
        f.add(
            GREEN,
            "agreement_not_yet",
            "Vereinbarungsphase noch nicht erreicht.",
            "Agreement phase not reached yet.",
        )
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
    if not _reached(stage, EVALUATION):
        heavy = sorted({k for k in s.agreement_kinds if k in r.heavy_agreements})
        if heavy:
            de = _names([AGREEMENT_LABELS.get(k, (k, k))[0] for k in heavy])
            en = _names([AGREEMENT_LABELS.get(k, (k, k))[1] for k in heavy])
            f.add(
                YELLOW,
                "agreement_heavy",
                f"Schweres Regelwerk vor der Evaluation ({de}): für einen Versuch genügt "
                "eine Absichtserklärung.",
                f"Heavy rules before the evaluation ({en}): a letter of intent is enough "
                "for a trial.",
            )
    return f


# --- 7 long-term view --------------------------------------------------------------------


def _long_term(s: CooperationSnapshot, now: datetime, r: HealthRules) -> Findings:
    f = Findings(7)
    stage = stage_of(s)
    if s.parent_id is not None:
        f.add(
            GREEN,
            "is_follow_up",
            f"Folgekooperation von #{s.parent_id}.",
            f"Follow-up of #{s.parent_id}.",
        )
    if not _reached(stage, PILOT):
        f.add(
            GREEN,
            "legal_form_not_due",
            "Die dauerhafte Rechtsform wird bis zur Evaluation gewählt.",
            "The permanent legal form is chosen by the evaluation.",
        )
        return f
    if s.legal_form:
        f.add(
            GREEN,
            "legal_form_chosen",
            f"Dauerhafte Rechtsform gewählt: {s.legal_form}.",
            f"Permanent legal form chosen: {s.legal_form}.",
        )
    elif stage == EVALUATION:
        days = _days_in_state(s, EVALUATION, now)
        f.add(
            RED if days > r.legal_form_red_days else YELLOW,
            "legal_form_missing",
            f"In der Evaluation (seit {days} Tagen) ist noch keine dauerhafte Rechtsform gewählt.",
            f"In evaluation (for {days} days) and no permanent legal form chosen yet.",
        )
    elif _pilot_days(s, now) > r.legal_form_pilot_days:
        f.add(
            YELLOW,
            "legal_form_late",
            f"Pilot läuft seit {_pilot_days(s, now)} Tagen ohne Plan für eine dauerhafte "
            "Rechtsform.",
            f"Pilot running for {_pilot_days(s, now)} days without a plan for a permanent "
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
        elif _days_in_state(s, PERMANENT, now) > r.follow_up_warn_days:
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
    return f


# --- 8 conflict handling -----------------------------------------------------------------


def _level(level: str) -> tuple[str, str]:
    return LEVEL_LABELS.get(level, (level, level))


def _conflicts(s: CooperationSnapshot, now: datetime, r: HealthRules) -> Findings:
    f = Findings(8)
    stage = stage_of(s)
    no_contact = [p.name for p in s.partners if p.contact_id is None]
    if no_contact:
        f.add(
            YELLOW,
            "contact_missing",
            f"Keine feste Ansprechperson: {_names(no_contact)}.",
            f"No fixed contact person: {_names(no_contact)}.",
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
        f.items.extend(_steering(s, now, r).items)
    return f


def _steering(s: CooperationSnapshot, now: datetime, r: HealthRules) -> Findings:
    f = Findings(8)
    today = now.date()
    held = [m.held_on for m in s.meetings if m.kind == STEERING_ROUND and m.held_on <= today]
    if held:
        days = (today - max(held)).days
        colour = YELLOW if days > r.steering_warn_days else GREEN
        f.add(
            colour,
            "steering_round_last",
            f"Letzte Steuerungsrunde vor {days} Tagen.",
            f"Last steering round {days} days ago.",
        )
    elif _pilot_days(s, now) > r.steering_warn_days:
        f.add(
            YELLOW,
            "steering_round_missing",
            f"Pilot läuft seit {_pilot_days(s, now)} Tagen ohne Steuerungsrunde.",
            f"Pilot running for {_pilot_days(s, now)} days without a steering round.",
        )
    return f


CHECKS: dict[int, Callable[[CooperationSnapshot, datetime, HealthRules], Findings]] = {
    1: _exchange,
    2: _common_ground,
    3: _giving,
    4: _leadership,
    5: _visibility,
    6: _pragmatism,
    7: _long_term,
    8: _conflicts,
}
