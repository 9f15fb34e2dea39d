"""Factors 1 to 4 of the Kooperations-Check: close exchange, common ground, giving and
leadership. Each returns its findings: a colour and a bilingual reason per thing looked at.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime

from states.costkey import key_text
from states.health.factors_common import (
    AGREEMENT,
    EXPLORATION,
    GREEN,
    INFORMAL_CONTACT,
    INFORMAL_KINDS,
    PILOT,
    RED,
    STEERING_ROUND,
    YELLOW,
    days_in_state,
    de_num,
    join_names,
    reached,
    stage_of,
)
from states.health.rules import Findings, HealthRules
from states.lifecycle import Trigger
from states.signals import size_ratio
from states.snapshot import CooperationSnapshot

# --- 1 close exchange --------------------------------------------------------------------


def exchange(s: CooperationSnapshot, now: datetime, r: HealthRules) -> Findings:
    f = Findings(1)
    stage, today = stage_of(s), now.date()
    held = sorted(m.held_on for m in s.meetings if m.kind in INFORMAL_KINDS and m.held_on <= today)
    if not held:
        # Right after opening this is simply the next step; a first talk that has not
        # happened for months, or a later stage without any, is a real gap.
        waiting = days_in_state(s, INFORMAL_CONTACT, now)
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


def common_ground(s: CooperationSnapshot, now: datetime, r: HealthRules) -> Findings:
    f = Findings(2)
    stage = stage_of(s)
    # Written goals and benefits are the work of exploration; from agreement on they are due.
    missing = RED if reached(stage, AGREEMENT) else YELLOW
    clear = False
    if not reached(stage, EXPLORATION):
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
                f"Nutzen nicht benannt für: {join_names(no_benefit)}.",
                f"Benefit not stated for: {join_names(no_benefit)}.",
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
                f"Größenverhältnis {de_num(ratio)} : 1, aber Ziele und Nutzen sind klar.",
                f"Size ratio {ratio:.1f} : 1, but goals and benefits are clear.",
            )
        else:
            f.add(
                YELLOW,
                "size_differs",
                f"Größenverhältnis {de_num(ratio)} : 1: den Nutzen der kleineren Kommune "
                "besonders klar benennen.",
                f"Size ratio {ratio:.1f} : 1: state the smaller partner's benefit "
                "especially clearly.",
            )
    return f


# --- 3 giving ----------------------------------------------------------------------------


def _cost_key(s: CooperationSnapshot, f: Findings) -> None:
    """The cost-sharing key beside the ledger: what each partner carries (no colour of
    its own: a key agreed by all is information, not a risk)."""
    if not s.cost_key:
        return
    names = {p.municipality_id: p.name for p in s.partners}
    key = dict(s.cost_key)
    f.add(
        GREEN,
        "cost_key",
        f"Kostenschlüssel: {key_text(names, key)}.",
        f"Cost-sharing key: {key_text(names, key, 'en')}.",
    )


def giving(s: CooperationSnapshot, now: datetime, r: HealthRules) -> Findings:
    f = Findings(3)
    n = len(s.decisions)
    if n == 0:
        f.add(
            GREEN,
            "ledger_empty",
            "Noch keine Entscheidungen im Geben-und-Nehmen-Register (z. B. Standort).",
            "No decisions in the give-and-take ledger yet (e.g. location).",
        )
        _cost_key(s, f)
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
    _cost_key(s, f)
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


def leadership(s: CooperationSnapshot, now: datetime, r: HealthRules) -> Findings:
    f = Findings(4)
    stage, today = stage_of(s), now.date()
    no_mayor = [p.name for p in s.partners if p.mayor_id is None]
    if no_mayor:
        f.add(
            RED if reached(stage, AGREEMENT) else YELLOW,
            "mayor_missing",
            f"Keine Bürgermeisterin/kein Bürgermeister als Sponsor: {join_names(no_mayor)}.",
            f"No sponsoring mayor: {join_names(no_mayor)}.",
        )
    gate = Trigger.START_PILOT.value
    signed = sum(1 for p in s.partners if (gate, p.municipality_id) in s.signoffs)
    if stage == AGREEMENT or (reached(stage, PILOT) and signed):
        f.add(
            GREEN,
            "mayor_signoffs",
            f"Freigaben der Bürgermeister:innen für den Pilot: {signed} von {len(s.partners)}.",
            f"Mayors' sign-offs for the pilot: {signed} of {len(s.partners)}.",
        )
    if reached(stage, PILOT):
        f.items.extend(_mayors_at_rounds(s, today, r).items)
    # Staff are to be involved early, at the latest before the pilot starts.
    if s.staff_involvements == 0:
        if reached(stage, AGREEMENT):
            f.add(
                RED if reached(stage, PILOT) else YELLOW,
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
