"""The cost-sharing key (Kostenschlüssel): each partner's share of the cooperation's
costs in per cent, recorded as a fact beside the give-and-take ledger (factor 3, grant
the partner something). Pure: what a key must be before it is recorded.

A key names every partner of the cooperation exactly once, no municipality that is not
a partner, each share between 0 and 100 with at most two decimals, and the shares sum to
exactly 100 (Decimal, so 33.33 + 33.33 + 33.34 is 100 and three times 33.33 is not).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from decimal import Decimal

from states.errors import Message

HUNDRED = Decimal("100")


def percent_text(value: Decimal, lang: str = "de") -> str:
    """'33.34' -> '33,34 %' (English '33.34 %'); whole numbers without decimals."""
    text = f"{value.normalize():f}" if value == value.to_integral() else f"{value}"
    return f"{text} %" if lang == "en" else f"{text.replace('.', ',')} %"


def cost_key_refusal(
    partners: Mapping[int, str], shares: Sequence[tuple[int, Decimal]]
) -> Message | None:
    """Why `shares` ((municipality id, per cent) pairs) cannot be the key of a
    cooperation with `partners` (id -> name); None: it can."""
    counted = Counter(m for m, _ in shares)
    twice = sorted(m for m, n in counted.items() if n > 1)
    if twice:
        names = ", ".join(partners.get(m, str(m)) for m in twice)
        return Message(
            "cost_key_twice",
            f"Kommune doppelt im Kostenschlüssel: {names}.",
            f"Municipality named twice in the cost key: {names}.",
        )
    strangers = [m for m, _ in shares if m not in partners]
    if strangers:
        ids = ", ".join(str(m) for m in strangers)
        return Message(
            "cost_key_not_partner",
            f"Keine Partnerkommune der Kooperation: {ids}.",
            f"Not a partner of the cooperation: {ids}.",
        )
    missing = [name for m, name in partners.items() if m not in counted]
    if missing:
        names = ", ".join(missing)
        return Message(
            "cost_key_incomplete",
            f"Kostenschlüssel ohne Anteil für: {names} (jede Partnerkommune braucht einen).",
            f"Cost key without a share for: {names} (every partner needs one).",
        )
    total = sum((p for _, p in shares), Decimal("0"))
    if total != HUNDRED:
        return Message(
            "cost_key_sum",
            f"Die Anteile ergeben {percent_text(total)}, nicht 100 %.",
            f"The shares add up to {percent_text(total, 'en')}, not 100 %.",
        )
    return None


def key_text(names: Mapping[int, str], key: Mapping[int, Decimal], lang: str = "de") -> str:
    """'Jena 60 %, Weimar 40 %' in the partners' order."""
    return ", ".join(f"{names.get(m, str(m))} {percent_text(p, lang)}" for m, p in key.items())
