"""Registry entries: the founding procedure (issue 16): its plan from the rule pack of the
cooperation's state and form, every act on the way to the effective date, the tax,
procurement and aid assessments, and the change procedures after the founding."""

from __future__ import annotations

from ikz.registry.spec import ActionSpec, recorded
from models import commands as c
from models import founding_commands as fc
from states.policy import Action

_MOD = "ikz.actions.founding"

ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec(
        "plan-founding",
        c.PlanFounding,
        f"{_MOD}:plan_founding",
        Action.PLAN_FOUNDING,
        ("Gründungsverfahren planen", "Plan the founding procedure"),
        (
            "Gründungsverfahren nach dem Regelpaket des Landes und der Form anlegen "
            "(Schritte, Genehmigung oder Anzeige, Bekanntmachung, Wirksamkeit).",
            "Plan the founding procedure from the rule pack of the state and form "
            "(steps, approval or notice, publication, effective date).",
        ),
        ("founding", "plan"),
        (
            "Gründung geplant: {state}, {form} (ID {id}).",
            "Founding planned: {state}, {form} (id {id}).",
        ),
        options={"target_effective_on": "--effective", "voluntary_tasks": "--voluntary"},
    ),
    ActionSpec(
        "record-letter-of-intent",
        c.RecordFoundingAct,
        f"{_MOD}:record_letter_of_intent",
        Action.RECORD_FOUNDING,
        ("Absichtserklärung erfassen", "Record the letter of intent"),
        (
            "Absichtserklärung der Partner erfassen (genügt für den Start eines Pilots).",
            "Record the partners' letter of intent (enough to start a pilot).",
        ),
        ("founding", "letter-of-intent"),
        recorded("Absichtserklärung erfasst", "Letter of intent recorded"),
        options={"on": "--date"},
    ),
    ActionSpec(
        "record-founding-draft",
        c.RecordFoundingAct,
        f"{_MOD}:record_draft",
        Action.RECORD_FOUNDING,
        ("Entwurf erfassen", "Record the draft"),
        (
            "Abgestimmten Entwurf der Vereinbarung oder Satzung erfassen.",
            "Record the agreed draft of the agreement or statute.",
        ),
        ("founding", "draft"),
        recorded("Entwurf erfasst", "Draft recorded"),
        options={"on": "--date"},
    ),
    ActionSpec(
        "record-founding-clause",
        fc.RecordClause,
        "ikz.actions.clauses:record_clause",
        Action.RECORD_FOUNDING,
        ("Klausel erfassen", "Record a clause"),
        (
            "Eine Klausel der Vereinbarung oder Satzung erfassen, wie sie vereinbart ist "
            "(Kostenschlüssel, Laufzeit, Kündigung, Eskalation, Austritt, Evaluation, ...); "
            "die Unterschriften warten, bis jede vorgeschriebene Klausel da ist.",
            "Record a clause of the agreement or statute as agreed (cost key, term, "
            "termination, escalation, exit, evaluation, ...); the signatures wait until "
            "every required clause is there.",
        ),
        ("founding", "clause"),
        recorded("Klausel erfasst", "Clause recorded"),
        options={
            "agreed_on": "--date",
            "term_years": "--years",
            "notice_months": "--notice-months",
            "evaluation_on": "--evaluation-on",
            "open_ended": "--open-ended",
        },
    ),
    ActionSpec(
        "record-assessment",
        c.RecordAssessment,
        f"{_MOD}:record_assessment",
        Action.RECORD_FOUNDING,
        ("Prüfkriterium beantworten", "Answer an assessment criterion"),
        (
            "Ein Kriterium der Prüfung nach § 2b UStG, § 108 Abs. 6 GWB oder Art. 107 AEUV "
            "mit ja oder nein und Begründung beantworten.",
            "Answer one criterion of the § 2b UStG, § 108 (6) GWB or Art. 107 TFEU "
            "assessment yes or no, with a reason.",
        ),
        ("founding", "assess"),
        recorded("Prüfkriterium erfasst", "Assessment answer recorded"),
        options={"answered_on": "--date"},
    ),
    ActionSpec(
        "record-council-resolution",
        c.RecordResolution,
        f"{_MOD}:record_resolution",
        Action.RECORD_FOUNDING,
        ("Ratsbeschluss erfassen", "Record a council resolution"),
        (
            "Beschluss des Rats einer Partnerkommune erfassen (Datum, Gremium, "
            "Tagesordnungspunkt, Ergebnis, Protokoll als Dokument).",
            "Record a partner council's resolution (date, body, agenda item, result, "
            "minutes as a document).",
        ),
        ("founding", "resolution"),
        recorded("Ratsbeschluss erfasst", "Council resolution recorded"),
        options={"resolved_on": "--date", "municipality_id": "--municipality"},
    ),
    ActionSpec(
        "record-founding-signature",
        c.RecordSignature,
        f"{_MOD}:record_signature",
        Action.RECORD_FOUNDING,
        ("Unterschrift erfassen", "Record a signature"),
        (
            "Unterschrift einer Partnerkommune unter Vereinbarung oder Satzung erfassen "
            "(erst nach ihrem Ratsbeschluss und den Prüfungen).",
            "Record a partner's signature (after its council resolution and the assessments).",
        ),
        ("founding", "signature"),
        recorded("Unterschrift erfasst", "Signature recorded"),
        options={"signed_on": "--date", "municipality_id": "--municipality"},
    ),
    ActionSpec(
        "record-authority-submission",
        c.RecordFoundingAct,
        f"{_MOD}:record_submission",
        Action.RECORD_FOUNDING,
        ("Eingang bei der Aufsichtsbehörde erfassen", "Record the authority's receipt"),
        (
            "Antrag auf Genehmigung oder Anzeige bei der Aufsichtsbehörde: Eingangsdatum "
            "(von ihm an läuft die Frist einer Genehmigungsfiktion).",
            "Application for approval or notice to the authority: the receipt date (a deemed "
            "approval's period runs from it).",
        ),
        ("founding", "submit"),
        recorded("Eingang erfasst", "Receipt recorded"),
        options={"on": "--received"},
    ),
    ActionSpec(
        "record-authority-decision",
        c.RecordAuthorityDecision,
        f"{_MOD}:record_authority_decision",
        Action.RECORD_FOUNDING,
        ("Entscheidung der Aufsichtsbehörde erfassen", "Record the authority's decision"),
        (
            "Genehmigung, Genehmigung mit Auflagen, Versagung, Einwände oder "
            "Fristverlängerung der Aufsichtsbehörde erfassen.",
            "Record the authority's approval, approval with conditions, refusal, objection "
            "or extension.",
        ),
        ("founding", "decision"),
        recorded("Entscheidung erfasst", "Decision recorded"),
        options={"decided_on": "--date"},
    ),
    ActionSpec(
        "record-publication",
        c.RecordFoundingAct,
        f"{_MOD}:record_publication",
        Action.RECORD_FOUNDING,
        ("Bekanntmachung erfassen", "Record the publication"),
        (
            "Bekanntmachung erfassen: Fundstelle im Amtsblatt (oder Handelsregister) und Datum.",
            "Record the publication: gazette (or register) reference and date.",
        ),
        ("founding", "publication"),
        recorded("Bekanntmachung erfasst", "Publication recorded"),
        options={"on": "--date", "reference": "--gazette"},
    ),
    ActionSpec(
        "open-founding-change",
        fc.OpenFoundingChange,
        "ikz.actions.founding_change:open_founding_change",
        Action.PLAN_FOUNDING,
        ("Änderungsverfahren eröffnen", "Open a change procedure"),
        (
            "Nach der Gründung: Änderung (Aufgaben oder Kostenschlüssel), Beitritt, Austritt, "
            "Kündigung oder Auflösung eröffnen; Beschlüsse, Unterschriften, Genehmigung oder Anzeige "
            "und Bekanntmachung werden danach wie bei der Gründung erfasst.",
            "After the founding: open an amendment (tasks or cost key), a partner joining or "
            "leaving, termination or dissolution; resolutions, signatures, approval or notice and "
            "publication are then recorded as for the founding.",
        ),
        ("founding", "change"),
        "ikz.cli.convert:change_opened_done",
        options={"municipality_id": "--municipality"},
    ),
)
