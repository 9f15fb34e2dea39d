"""The few action values typed in a form of their own on the command line, and the few
results printed in a form of their own. Named by the action registry (ikz.registry)."""

from __future__ import annotations

from typing import Any

from states.errors import InvalidInputError, Language


def partner(spec: str) -> dict[str, Any]:
    """MUNICIPALITY[:MAYOR[:CONTACT]] -> PartnerInput data."""
    parts = spec.split(":")
    try:
        nums = [int(p) if p else None for p in parts]
    except ValueError:
        raise InvalidInputError(
            "bad_partner",
            f"Partner '{spec}' hat nicht die Form KOMMUNE[:BÜRGERMEISTER[:ANSPRECHPERSON]] (IDs).",
            f"Partner '{spec}' is not of the form MUNICIPALITY[:MAYOR[:CONTACT]] (ids).",
        ) from None
    if len(nums) > 3 or nums[0] is None:
        raise InvalidInputError(
            "bad_partner",
            f"Partner '{spec}' hat nicht die Form KOMMUNE[:BÜRGERMEISTER[:ANSPRECHPERSON]].",
            f"Partner '{spec}' is not of the form MUNICIPALITY[:MAYOR[:CONTACT]].",
        )
    nums += [None] * (3 - len(nums))
    return {"municipality_id": nums[0], "mayor_id": nums[1], "contact_id": nums[2]}


def cost_share(spec: str) -> dict[str, Any]:
    """MUNICIPALITY=PERCENT ('3=33.34', also '3=33,34') -> CostShareInput data."""
    mid, sep, pct = spec.partition("=")
    if not sep or not mid.strip().isdigit() or not pct.strip():
        raise InvalidInputError(
            "bad_share",
            f"Anteil '{spec}' hat nicht die Form KOMMUNE=PROZENT (z. B. 3=33.34).",
            f"Share '{spec}' is not of the form MUNICIPALITY=PERCENT (e.g. 3=33.34).",
        )
    return {"municipality_id": int(mid), "percent": pct.strip().replace(",", ".")}


def cooperation_json(coop: Any) -> dict[str, Any]:
    return {"id": coop.id, "state": coop.state, "version": coop.version, "title": coop.title}


def advance_done(res: Any, lang: Language) -> str:
    if lang == "en":
        again = " (already applied)" if res.replayed else ""
        line = (
            f"Cooperation {res.cooperation_id}: {res.from_state} -> {res.to_state} "
            f"(version {res.version}){again}."
        )
        follow = f"\nFollow-up cooperation {res.follow_up_id} opened." if res.follow_up_id else ""
    else:
        again = " (bereits angewendet)" if res.replayed else ""
        line = (
            f"Kooperation {res.cooperation_id}: {res.from_state} -> {res.to_state} "
            f"(Version {res.version}){again}."
        )
        follow = f"\nFolgekooperation {res.follow_up_id} eröffnet." if res.follow_up_id else ""
    return line + follow


def advance_json(res: Any) -> dict[str, Any]:
    return {"id": res.cooperation_id, "state": res.to_state, **res.__dict__}


_DIGEST_LABELS = {
    "immediate": ("sofort", "immediately"),
    "daily": ("täglich gesammelt", "in a daily digest"),
    "weekly": ("wöchentlich gesammelt", "in a weekly digest"),
}


def digest_done(person: Any, lang: Language) -> str:
    de, en = _DIGEST_LABELS[person.digest]
    if lang == "en":
        return f"Person {person.id} gets messages {en}."
    return f"Person {person.id} erhält Nachrichten {de}."


def digest_json(person: Any) -> dict[str, Any]:
    return {"id": person.id, "digest": person.digest, "last_digest_at": person.last_digest_at}


def calendar_done(res: Any, lang: Language) -> str:
    """What `ikz municipality calendar` says it imported, and the next meeting that
    can still take an item (dates as people write them)."""
    de = lang != "en"

    def day(d: Any) -> str:
        return str(d.strftime("%d.%m.%Y") if de else d.isoformat())

    if de:
        line = (
            f"Sitzungskalender von {res.municipality}: {res.meetings} Sitzungen übernommen, "
            f"{res.removed} künftige entfallen; Vorlagefrist {res.lead_days} Tage."
        )
        nxt = (
            f" Nächste erreichbare Sitzung: {day(res.next_meeting)} "
            f"(Vorlage bis {day(res.submit_by)})."
            if res.next_meeting
            else " Keine künftige Sitzung ist mit dieser Frist noch erreichbar."
        )
    else:
        line = (
            f"Council calendar of {res.municipality}: {res.meetings} meetings imported, "
            f"{res.removed} future ones removed; lead time {res.lead_days} days."
        )
        nxt = (
            f" Next reachable meeting: {day(res.next_meeting)} (submit by {day(res.submit_by)})."
            if res.next_meeting
            else " No future meeting can still be reached with this lead time."
        )
    return line + nxt


def change_opened_done(res: Any, lang: Language) -> str:
    """What `ikz founding change` says it opened: the kind in words, not its code."""
    from states.founding_change import KIND_LABELS, ChangeKind

    de, en = KIND_LABELS[ChangeKind(res.kind)]
    if lang == "en":
        return f"Change procedure opened: {en} (id {res.id})."
    return f"Änderungsverfahren eröffnet: {de} (ID {res.id})."
