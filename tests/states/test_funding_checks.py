"""The eligibility check, pure: every condition kind met, unmet and (where it can be)
unknown, with its reason; a programme past its validity is not checked but says so."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from ikz.funding import programme
from states.funding_checks import FundingFacts, check_programme
from states.fundingprogramme import Programme
from states.savings import Costs, YearCosts, savings

TODAY = date(2026, 10, 1)
NAMES = {1: "Marburg", 2: "Lahntal", 3: "Cölbe"}


def _prog(code: str) -> Programme:
    return programme(code)[1]


def _facts(n: int = 3, **kw: object) -> FundingFacts:
    ids = tuple(list(NAMES)[:n])
    return FundingFacts(partner_ids=ids, partner_names=NAMES, **kw)  # type: ignore[arg-type]


def _by_check(p: Programme, facts: FundingFacts, today: date = TODAY) -> dict[str, tuple[str, str]]:
    chk = check_programme(p, facts, today)
    return {r.condition.check.value: (r.status, r.why.de) for r in chk.results}


def _report(before: str, after: str) -> object:
    base = {
        m: YearCosts(m, 2024, Costs(Decimal(before), Decimal("0"), Decimal("0"))) for m in NAMES
    }
    acts = [YearCosts(m, 2025, Costs(Decimal(after), Decimal("0"), Decimal("0"))) for m in NAMES]
    return savings(list(NAMES), base, acts)


def test_partners_enough_and_too_few() -> None:
    he = _prog("he_ikz")
    assert _by_check(he, _facts(3))["min_partners"] == ("met", "3 Partner (verlangt: 3).")
    assert _by_check(he, _facts(2))["min_partners"] == (
        "unmet",
        "Nur 2 Partner, verlangt sind mindestens 3.",
    )


def test_term_unknown_long_enough_and_too_short() -> None:
    he = _prog("he_ikz")
    assert _by_check(he, _facts())["min_term_years"] == (
        "unknown",
        "Die Laufzeit der Zusammenarbeit ist nicht erfasst (verlangt: 5 Jahre; "
        "ikz founding clause ID --clause term).",
    )
    assert _by_check(he, _facts(term_years=5))["min_term_years"] == (
        "met",
        "Laufzeit 5 Jahre (verlangt: 5).",
    )
    assert _by_check(he, _facts(term_years=4))["min_term_years"] == (
        "unmet",
        "Laufzeit 4 Jahre, verlangt sind mindestens 5.",
    )
    open_ended = FundingFacts(partner_ids=(1, 2, 3), open_ended=True)
    assert _by_check(he, open_ended)["min_term_years"] == (
        "met",
        "Unbefristet vereinbart (verlangt: 5 Jahre).",
    )


def test_savings_unknown_reached_and_missed() -> None:
    he = _prog("he_ikz")
    assert _by_check(he, _facts())["min_savings_percent"][0] == "unknown"
    # 100 -> 85 is exactly 15 %: reached.
    met = _by_check(he, _facts(savings=_report("100.00", "85.00")))["min_savings_percent"]
    assert met == ("met", "2025: 15 % eingespart (verlangt: 15 %).")
    missed = _by_check(he, _facts(savings=_report("100.00", "85.10")))["min_savings_percent"]
    assert missed == ("unmet", "2025: nur 14,9 % eingespart, verlangt sind 15 %.")


def test_council_resolutions_unknown_missing_and_complete() -> None:
    he = _prog("he_ikz")
    assert _by_check(he, _facts())["council_resolutions"] == (
        "unknown",
        "Kein Gründungsverfahren erfasst (ikz founding plan): Ratsbeschlüsse unbekannt.",
    )
    assert _by_check(he, _facts(adopted_resolutions=frozenset({1})))["council_resolutions"] == (
        "unmet",
        "Ratsbeschluss fehlt: Lahntal, Cölbe.",
    )
    assert _by_check(he, _facts(adopted_resolutions=frozenset({1, 2, 3})))[
        "council_resolutions"
    ] == ("met", "Ratsbeschlüsse aller Partner liegen vor.")


def test_no_start_before_the_application() -> None:
    by = _prog("by_ikz")
    key = "no_start_before_application"
    assert _by_check(by, _facts(2))[key] == ("met", "Das Vorhaben hat noch nicht begonnen.")
    assert _by_check(by, _facts(2, pilot_started_on=date(2026, 5, 1)))[key] == (
        "unmet",
        "Das Vorhaben begann am 2026-05-01 (Pilot), vor einem Antrag: "
        "die Förderung ist ausgeschlossen.",
    )
    late = _facts(2, pilot_started_on=date(2026, 5, 1), applied_on=date(2026, 4, 1))
    assert _by_check(by, late)[key] == (
        "met",
        "Begonnen am 2026-05-01, nach dem Antrag vom 2026-04-01.",
    )
    early = _facts(2, pilot_started_on=date(2026, 3, 1), applied_on=date(2026, 4, 1))
    assert _by_check(by, early)[key][0] == "unmet"


def test_the_application_window_before_during_and_after() -> None:
    nw = _prog("nw_ikz")
    span = "(2026-09-01 – 2027-03-31)"
    assert _by_check(nw, _facts(2), date(2026, 8, 1))["application_window"] == (
        "unknown",
        f"Das Antragsfenster öffnet erst am 2026-09-01 {span}.",
    )
    assert _by_check(nw, _facts(2), date(2026, 9, 1))["application_window"] == (
        "met",
        f"Im Antragsfenster {span}.",
    )
    assert _by_check(nw, _facts(2), date(2027, 4, 1))["application_window"] == (
        "unmet",
        f"Das Antragsfenster ist seit 2027-03-31 geschlossen {span}.",
    )
    # An application recorded inside the window counts, whatever day it is now.
    assert (
        _by_check(nw, _facts(2, applied_on=date(2026, 10, 1)), date(2027, 4, 1))[
            "application_window"
        ][0]
        == "met"
    )


def test_verdicts_and_the_grant_ceiling() -> None:
    nw = _prog("nw_ikz")
    chk = check_programme(nw, _facts(3), date(2026, 9, 1))
    # The manual condition stays open for a person.
    assert (chk.verdict, chk.max_grant) == ("open", Decimal("210000"))
    assert check_programme(nw, _facts(1), date(2026, 9, 1)).verdict == "not_eligible"
    assert check_programme(nw, _facts(3), date(2028, 1, 1)).verdict == "expired"
    assert check_programme(nw, _facts(3), date(2028, 1, 1)).results == ()
    assert check_programme(nw, _facts(3), date(2020, 1, 1)).verdict == "not_yet_valid"


def test_english_reasons() -> None:
    he = _prog("he_ikz")
    chk = check_programme(he, _facts(2), TODAY)
    assert chk.results[0].why.en == "Only 2 partners, at least 3 required."


def test_a_programme_whose_conditions_are_all_met_is_eligible() -> None:
    src = {"title": "Richtlinie", "url": "https://example.org/r"}
    p = Programme.model_validate(
        {
            "code": "xx_test",
            "name": "Testprogramm",
            "authority": "Ministerium",
            "channel": "Antrag",
            "valid_from": "2026-01-01",
            "source": src,
            "amounts": {"max_amount": "1000.50", "source": src},
            "conditions": [{"check": "min_partners", "value": 2, "label": "zwei", "source": src}],
            "obligations": {"source": src},
        }
    )
    chk = check_programme(p, _facts(2), TODAY)
    assert (chk.verdict, chk.max_grant) == ("eligible", Decimal("1000.50"))
    assert check_programme(p, _facts(1), TODAY).verdict == "not_eligible"
