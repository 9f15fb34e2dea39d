"""`ikz audit verify`: walk every hash chain (the lifecycle's per cooperation, the
conflicts' per conflict, the facts' per cooperation), check every fact row and every
cooperation against its chain, and every head an anchor holds (ikz.actions.anchor)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from ikz.actions.anchor import read_anchor
from ikz.app import App
from models.audit import (
    GENESIS_HASH,
    ConflictRecord,
    TransitionRecord,
    conflict_record_hash,
    record_hash,
)
from models.audit_check import all_facts, cooperations_and_heads, current_row_hashes
from models.chain import FactRecord, fact_hash
from models.conflicts import all_steps
from models.transitions import all_records

R = TypeVar("R", TransitionRecord, ConflictRecord)

AuditRecord = TransitionRecord | ConflictRecord


def _walk_chains(
    records: Iterable[R], chain_of: Callable[[R], int], hash_of: Callable[[R], str]
) -> tuple[int, R | None, str]:
    """Check hash chains given ordered by (chain, seq): each starts at seq 1 on the
    genesis hash, has no gaps, and links to its predecessor."""
    checked = 0
    prev_chain: int | None = None
    prev_hash = GENESIS_HASH
    expected_seq = 1
    for rec in records:
        seq, linked, stored = rec.seq, rec.prev_hash, rec.hash
        if chain_of(rec) != prev_chain:
            prev_chain, prev_hash, expected_seq = chain_of(rec), GENESIS_HASH, 1
        if seq != expected_seq:
            return checked, rec, f"seq {seq}, expected {expected_seq}"
        if linked != prev_hash:
            return checked, rec, "prev_hash does not match the previous record"
        if hash_of(rec) != stored:
            return checked, rec, "hash does not match the record's content"
        checked += 1
        prev_hash = stored
        expected_seq += 1
    return checked, None, ""


def verify_audit(app: App) -> tuple[int, AuditRecord | None, str]:
    """Check every chain, the lifecycle's per cooperation and the conflicts' per conflict;
    return (records checked, first broken record, what is wrong)."""
    with app.db.read() as s:
        lifecycle = all_records(session=s)
        checked, broken, why = _walk_chains(lifecycle, lambda r: r.cooperation_id, record_hash)
        if broken is not None:
            return checked, broken, why
        steps = all_steps(session=s)
        more, bad, why = _walk_chains(steps, lambda r: r.conflict_id, conflict_record_hash)
    return checked + more, bad, why


# --- the whole trail: fact chains, cooperations beside their heads, the anchor ---------


@dataclass(frozen=True)
class Finding:
    """One thing `ikz audit verify` found wrong, naming where (cooperation, conflict,
    record, fact row) in German and English."""

    code: str
    de: str
    en: str
    cooperation_id: int | None = None
    record_id: int | None = None
    table: str | None = None
    row_id: int | None = None

    def text(self, lang: str = "de") -> str:
        return self.en if lang == "en" else self.de

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "message_de": self.de,
            "message_en": self.en,
            "cooperation_id": self.cooperation_id,
            "record_id": self.record_id,
            "table": self.table,
            "row_id": self.row_id,
        }


@dataclass
class TrailReport:
    records: int = 0  # lifecycle and conflict records checked
    facts: int = 0  # fact records checked
    anchor: str | None = None  # the anchor file checked against, if any
    anchored_chains: int = 0
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings


def _chain_findings(
    records: Iterable[Any],
    chain_of: Callable[[Any], int],
    hash_of: Callable[[Any], str],
    where: Callable[[Any], tuple[str, str]],
    code: str,
    seen: dict[tuple[int, int], str],
) -> tuple[int, list[Finding]]:
    """Walk chains ordered by (chain, seq): one finding per broken chain (its first
    bad record); `seen` collects (chain, seq) -> hash of the good records."""
    checked = 0
    out: list[Finding] = []
    chain: int | None = None
    prev_hash, expected, broken = GENESIS_HASH, 1, False
    for rec in records:
        if chain_of(rec) != chain:
            chain, prev_hash, expected, broken = chain_of(rec), GENESIS_HASH, 1, False
        if broken:
            continue
        why_de = why_en = ""
        if rec.seq != expected:
            why_de = f"Nr. {rec.seq}, erwartet Nr. {expected} (Eintrag fehlt oder verschoben)"
            why_en = f"seq {rec.seq}, expected {expected} (a record is missing or moved)"
        elif rec.prev_hash != prev_hash:
            why_de = "Verweis auf den vorigen Eintrag stimmt nicht (umsortiert oder ersetzt)"
            why_en = "prev_hash does not match the previous record (reordered or replaced)"
        elif hash_of(rec) != rec.hash:
            why_de = "Hash passt nicht zum Inhalt (Eintrag verändert)"
            why_en = "hash does not match the record's content (record edited)"
        if why_de:
            de, en = where(rec)
            out.append(
                Finding(
                    code,
                    f"{de}, Eintrag {rec.id} (Nr. {rec.seq}): {why_de}.",
                    f"{en}, record {rec.id} (#{rec.seq}): {why_en}.",
                    cooperation_id=getattr(rec, "cooperation_id", None),
                    record_id=rec.id,
                    table=getattr(rec, "table_name", None),
                    row_id=getattr(rec, "row_id", None),
                )
            )
            broken = True
            continue
        seen[(chain_of(rec), rec.seq)] = rec.hash
        checked += 1
        prev_hash = rec.hash
        expected += 1
    return checked, out


def _fact_findings(
    latest: dict[tuple[str, int], FactRecord], now: dict[tuple[str, int], tuple[int, str]]
) -> list[Finding]:
    out: list[Finding] = []
    for (table, row_id), rec in sorted(latest.items()):
        current = now.get((table, row_id))
        cid = rec.cooperation_id
        if current is None:
            out.append(
                Finding(
                    "fact_deleted",
                    f"Kooperation {cid}: Zeile {row_id} der Tabelle {table} wurde gelöscht "
                    f"(zuletzt Eintrag {rec.id}, Nr. {rec.seq}).",
                    f"cooperation {cid}: row {row_id} of table {table} was deleted "
                    f"(last record {rec.id}, #{rec.seq}).",
                    cid,
                    rec.id,
                    table,
                    row_id,
                )
            )
        elif current[1] != rec.row_hash or current[0] != cid:
            out.append(
                Finding(
                    "fact_edited",
                    f"Kooperation {cid}: Zeile {row_id} der Tabelle {table} wurde verändert "
                    f"(stimmt nicht mehr mit Eintrag {rec.id}, Nr. {rec.seq} überein).",
                    f"cooperation {cid}: row {row_id} of table {table} was edited "
                    f"(no longer matches record {rec.id}, #{rec.seq}).",
                    cid,
                    rec.id,
                    table,
                    row_id,
                )
            )
    for (table, row_id), (cid, _h) in sorted(now.items()):
        if (table, row_id) not in latest:
            out.append(
                Finding(
                    "fact_unchained",
                    f"Kooperation {cid}: Zeile {row_id} der Tabelle {table} steht in keiner "
                    "Hash-Kette (an ikz-flow vorbei geschrieben).",
                    f"cooperation {cid}: row {row_id} of table {table} is on no hash chain "
                    "(written bypassing ikz-flow).",
                    cid,
                    None,
                    table,
                    row_id,
                )
            )
    return out


def _head_findings(rows: Iterable[tuple[int, str, int, int | None, str | None]]) -> list[Finding]:
    out: list[Finding] = []
    for cid, state, version, seq, to_state in rows:
        if seq is None:
            out.append(
                Finding(
                    "cooperation_without_chain",
                    f"Kooperation {cid}: kein Eintrag im Prüfpfad (Zustand {state}).",
                    f"cooperation {cid}: no record on the audit trail (state {state}).",
                    cid,
                )
            )
        elif (state, version) != (to_state, seq):
            out.append(
                Finding(
                    "cooperation_disagrees_with_chain",
                    f"Kooperation {cid}: Zustand {state} / Version {version}, aber der letzte "
                    f"Eintrag des Prüfpfads sagt {to_state} / Nr. {seq}.",
                    f"cooperation {cid}: state {state} / version {version}, but the audit "
                    f"trail's last record says {to_state} / #{seq}.",
                    cid,
                )
            )
    return out


def verify_trail(app: App, anchor: Path | None = None) -> TrailReport:
    """Check the whole trail: every chain's links, every fact row against its chain, every
    cooperation against its lifecycle chain's head, and, with an anchor file, that every
    head it holds is still on its chain (nothing cut off or rewritten since)."""
    report = TrailReport()
    seen: dict[str, dict[tuple[int, int], str]] = {"transitions": {}, "conflicts": {}, "facts": {}}
    with app.db.read() as s:
        n, found = _chain_findings(
            all_records(session=s),
            lambda r: r.cooperation_id,
            record_hash,
            lambda r: (f"Kooperation {r.cooperation_id}", f"cooperation {r.cooperation_id}"),
            "transition_chain_broken",
            seen["transitions"],
        )
        report.records += n
        report.findings += found
        n, found = _chain_findings(
            all_steps(session=s),
            lambda r: r.conflict_id,
            conflict_record_hash,
            lambda r: (f"Konflikt {r.conflict_id}", f"conflict {r.conflict_id}"),
            "conflict_chain_broken",
            seen["conflicts"],
        )
        report.records += n
        report.findings += found
        latest: dict[tuple[str, int], FactRecord] = {}
        facts = list(all_facts(session=s))
        n, found = _chain_findings(
            facts,
            lambda r: r.cooperation_id,
            lambda r: fact_hash(r.model_dump()),
            lambda r: (
                f"Kooperation {r.cooperation_id} (Fakten, {r.table_name} {r.row_id})",
                f"cooperation {r.cooperation_id} (facts, {r.table_name} {r.row_id})",
            ),
            "fact_chain_broken",
            seen["facts"],
        )
        report.facts = n
        report.findings += found
        for rec in facts:
            latest[(rec.table_name, rec.row_id)] = rec
        report.findings += _fact_findings(latest, current_row_hashes(session=s))
        report.findings += _head_findings(cooperations_and_heads(session=s))
    if anchor is not None:
        report.anchor = str(anchor)
        heads = read_anchor(app, anchor)
        report.anchored_chains = sum(len(v) for v in heads.values())
        report.findings += _anchor_findings(heads, seen)
    return report


_CHAIN_NAMES = {
    "transitions": ("Kooperation", "cooperation"),
    "conflicts": ("Konflikt", "conflict"),
    "facts": ("Kooperation (Fakten)", "cooperation (facts)"),
}


def _anchor_findings(
    heads: dict[str, dict[str, tuple[int, str]]], seen: dict[str, dict[tuple[int, int], str]]
) -> list[Finding]:
    out: list[Finding] = []
    for kind, chains in heads.items():
        de, en = _CHAIN_NAMES[kind]
        have = seen.get(kind, {})
        for chain, (seq, digest) in sorted(chains.items(), key=lambda kv: int(kv[0])):
            found = have.get((int(chain), seq))
            if found == digest:
                continue
            cid = int(chain) if kind != "conflicts" else None
            why_de, why_en = (
                ("fehlt (Ende der Kette abgeschnitten)", "is missing (the chain was cut off)")
                if found is None
                else ("hat einen anderen Hash (umgeschrieben)", "has another hash (rewritten)")
            )
            out.append(
                Finding(
                    "anchored_head_missing" if found is None else "anchored_head_rewritten",
                    f"{de} {chain}: der verankerte Eintrag Nr. {seq} {why_de}.",
                    f"{en} {chain}: the anchored record #{seq} {why_en}.",
                    cid,
                )
            )
    return out
