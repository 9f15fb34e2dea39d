"""What an answer link asks, and recording its answer.

`question` reads what the page shows; `answer` records the answer in ONE transaction:
the act itself with the link's proof (the sign-off row, or none on No, the request's
status, the mails telling the coordinator) and the link marked used. Each purpose
(signoff, benefit, conflict_agreement) has a reader and a recorder here.
"""

from __future__ import annotations

from dataclasses import replace

from pydantic import TypeAdapter, ValidationError
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from ikz.actions.facts import record_benefit_in
from ikz.actions.signoff import answer_request_in, town_context
from ikz.answers.agreement import agreement_answer, agreement_question
from ikz.answers.links import find, proof_of, refused, usable
from ikz.answers.shapes import Outcome, Question, t, when
from ikz.app import App
from ikz.views.cooperation import show
from models import commands as c
from models.answers import AnswerLink, claim, partnership_by_id
from models.cooperation import Cooperation, Partnership
from models.outbox import enqueue
from models.queries import require
from models.registry import Municipality, Person
from models.signoffs import request_by_id
from models.validation import OptionalText
from states.errors import InvalidInputError
from states.lifecycle import TRIGGER_LABELS, Trigger

# What each step needs, in one sentence (the gates of states.gates; README's table).
STEP_NEEDS: dict[str, tuple[str, str]] = {
    "explore": (
        "Mindestens zwei Partner mit fester Ansprechperson und ein erster informeller Austausch.",
        "At least two partners with a fixed contact person and a first informal exchange.",
    ),
    "agree": (
        "Gemeinsame Ziele sind aufgeschrieben, und der Nutzen jedes Partners ist benannt.",
        "Shared goals are written down and every partner's benefit is stated.",
    ),
    "start_pilot": (
        "Die Freigabe der Bürgermeister:innen aller Partner, beteiligtes Personal, eine "
        "geplante Kommunikationsmaßnahme, eine Vereinbarung (eine Absichtserklärung genügt) "
        "und kein Konflikt ab der Moderationsstufe.",
        "Every partner's mayor has signed off, staff are involved, a communication measure "
        "is planned, an agreement is recorded (a letter of intent is enough) and no conflict "
        "is open at moderation level or above.",
    ),
    "evaluate": (
        "Eine Steuerungsrunde während des Pilotbetriebs und die Mindestdauer des Piloten.",
        "A steering round during the pilot and the pilot's minimum duration.",
    ),
    "make_permanent": (
        "Ein Erfolgsbericht, ein für Bürger:innen sichtbarer Erfolg, der bestätigte Nutzen "
        "jedes Partners und die gewählte dauerhafte Rechtsform.",
        "A success report, a success made visible to citizens, every partner's confirmed "
        "benefit and the permanent legal form chosen.",
    ),
}


NOTE_MAX = 2000
_NOTE = TypeAdapter(OptionalText)


def clean_note(note: str) -> str:
    """The note as recorded (line breaks unified, trimmed), or InvalidInputError: it goes
    into mails, so it holds no control character other than line breaks and tabs."""
    try:
        value = str(_NOTE.validate_python(note))
    except ValidationError:
        raise InvalidInputError(
            "bad_note",
            "Die Anmerkung enthält unzulässige Steuerzeichen.",
            "The note holds control characters that are not allowed.",
        ) from None
    if len(value) > NOTE_MAX:
        raise InvalidInputError(
            "bad_note",
            f"Die Anmerkung ist länger als {NOTE_MAX} Zeichen.",
            f"The note is longer than {NOTE_MAX} characters.",
        )
    return value


def question(app: App, token: str) -> Question:
    """What `token`'s link asks, or LinkRefused (forged, used, expired, foreign)."""
    with app.db.read() as s:
        link = usable(find(s, token), app.clock())
        person = require(s, Person, link.person_id)
        lang = "en" if person.language == "en" else "de"
        if link.purpose == "signoff":
            return _signoff_question(app, s, link, person, lang)
        if link.purpose == "benefit":
            return _benefit_question(s, link, person, lang)
        if link.purpose == "conflict_agreement":
            return agreement_question(s, link, person, lang)
    raise refused("foreign")


def _signoff_question(
    app: App, s: Session, link: AnswerLink, person: Person, lang: str
) -> Question:
    req = request_by_id(link.object_id, session=s)
    if (
        req is None
        or req.status != "pending"
        or req.mayor_id != link.person_id
        or req.cooperation_id != link.cooperation_id
    ):
        raise refused("foreign")
    coop = require(s, Cooperation, req.cooperation_id)
    town = require(s, Municipality, req.municipality_id)
    asker = require(s, Person, coop.coordinator_id) if coop.coordinator_id else None
    de, en = TRIGGER_LABELS[Trigger(req.gate)]
    step = t(lang, de, en)
    gate = next(
        (
            g
            for g in show(app, req.cooperation_id, "en" if lang == "en" else "de")["gates"]
            if g["trigger"] == req.gate
        ),
        None,
    )
    still_open = [u["message"] for u in gate["unmet"]] if gate else []
    needs_de, needs_en = STEP_NEEDS.get(req.gate, ("", ""))
    facts = [
        (t(lang, "Kooperation", "Cooperation"), coop.title),
        (t(lang, "Schritt", "Step"), step),
        (t(lang, "Für die Kommune", "For the municipality"), town.name),
        (t(lang, "Es fragt", "Asked by"), asker.name if asker else "–"),
        (t(lang, "Bitte antworten bis", "Please answer by"), when(link.expires_at, lang)),
    ]
    return Question(
        purpose="signoff",
        language=lang,
        person_name=person.name,
        cooperation_title=coop.title,
        facts=facts,
        ask=t(
            lang,
            f"Geben Sie als Bürgermeister:in von {town.name} den Schritt „{step}“ frei?",
            f"As mayor of {town.name}, do you sign off the step “{step}”?",
        ),
        needs=t(lang, needs_de, needs_en),
        yes_label=t(lang, "Ja, ich gebe frei", "Yes, I sign off"),
        no_label=t(lang, "Nein, ich gebe nicht frei", "No, I do not sign off"),
        still_open=still_open,
    )


def _open_benefit(s: Session, link: AnswerLink) -> Partnership:
    part = partnership_by_id(link.object_id, session=s)
    if (
        part is None
        or part.cooperation_id != link.cooperation_id
        or link.person_id not in (part.contact_id, part.mayor_id)
        or not part.stated_benefit
        or part.confirmed_benefit
    ):
        raise refused("foreign")
    return part


def _benefit_question(s: Session, link: AnswerLink, person: Person, lang: str) -> Question:
    part = _open_benefit(s, link)
    coop = require(s, Cooperation, part.cooperation_id)
    town = require(s, Municipality, part.municipality_id)
    asker = require(s, Person, coop.coordinator_id) if coop.coordinator_id else None
    return Question(
        purpose="benefit",
        language=lang,
        person_name=person.name,
        cooperation_title=coop.title,
        facts=[
            (t(lang, "Kooperation", "Cooperation"), coop.title),
            (t(lang, "Für die Kommune", "For the municipality"), town.name),
            (t(lang, "Genannter Nutzen", "Stated benefit"), part.stated_benefit or ""),
            (t(lang, "Es fragt", "Asked by"), asker.name if asker else "–"),
            (t(lang, "Bitte antworten bis", "Please answer by"), when(link.expires_at, lang)),
        ],
        ask=t(
            lang,
            f"Ist der genannte Nutzen für {town.name} eingetreten?",
            f"Has the stated benefit for {town.name} come true?",
        ),
        needs=t(
            lang,
            "Mit Ja bestätigen Sie in Ihrem Namen, dass der Nutzen eingetreten ist; die "
            "Anmerkung kann beschreiben, wie (sonst gilt der genannte Nutzen). Für eine "
            "dauerhafte Zusammenarbeit muss jeder Partner seinen Nutzen bestätigen.",
            "With Yes you confirm in your name that the benefit came true; the note may say "
            "how (else the stated benefit is taken). Every partner must confirm its benefit "
            "before the cooperation can become permanent.",
        ),
        yes_label=t(lang, "Ja, der Nutzen ist eingetreten", "Yes, the benefit came true"),
        no_label=t(
            lang, "Nein, der Nutzen ist nicht eingetreten", "No, the benefit did not come true"
        ),
    )


def answer(app: App, token: str, approve: bool, note: str = "") -> Outcome:
    """Record the answer of `token`'s link, as its person, proven by the link."""
    note = clean_note(note)
    try:
        with app.db.write() as s:
            link = usable(find(s, token), app.clock())
            person = require(s, Person, link.person_id)
            lang = "en" if person.language == "en" else "de"
            proof = proof_of(link)
            if not claim(
                link, now=app.clock(), answer="yes" if approve else "no", note=note, session=s
            ):
                raise refused("used")
            # The act is the link's person's, proven by the mail that carried the link.
            acting = replace(app, proof=proof)
            if link.purpose == "signoff":
                return _signoff_answer(acting, s, link, approve, note, lang)
            if link.purpose == "benefit":
                return _benefit_answer(acting, s, link, approve, note, lang)
            if link.purpose == "conflict_agreement":
                return agreement_answer(acting, s, link, approve, note, lang)
            raise refused("foreign")
    except IntegrityError:
        # Two answers at once through the same link: the other one won.
        raise refused("used") from None


def _signoff_answer(
    app: App, s: Session, link: AnswerLink, approve: bool, note: str, lang: str
) -> Outcome:
    req = request_by_id(link.object_id, session=s)
    if (
        req is None
        or req.status != "pending"
        or req.mayor_id != link.person_id
        or req.cooperation_id != link.cooperation_id
    ):
        raise refused("foreign")
    done = answer_request_in(app, s, req, approve, note)
    message = (
        t(
            lang,
            "Ihre Freigabe ist erfasst. Die Koordination wird informiert.",
            "Your sign-off is recorded. The coordination is told.",
        )
        if approve
        else t(
            lang,
            "Ihre Ablehnung ist erfasst; es wurde nichts freigegeben. Die Koordination wird "
            "informiert und meldet sich bei Ihnen.",
            "Your refusal is recorded; nothing was signed off. The coordination is told and "
            "will get in touch with you.",
        )
    )
    return Outcome("signoff", lang, approve, done.status, message, done.flow_run_id)


def _benefit_answer(
    app: App, s: Session, link: AnswerLink, approve: bool, note: str, lang: str
) -> Outcome:
    part = _open_benefit(s, link)
    coop = require(s, Cooperation, part.cooperation_id)
    stated = part.stated_benefit or ""
    context: dict[str, object] = {
        "cooperation_id": coop.id,
        "title": coop.title,
        **town_context(s, part.municipality_id),
        "benefit": note or stated,
        "note": note,
    }
    if approve:
        record_benefit_in(
            app,
            s,
            c.RecordBenefit(
                cooperation_id=part.cooperation_id,
                municipality_id=part.municipality_id,
                text=note or stated,
                confirmed=True,
                actor_id=link.person_id,
            ),
        )
    else:
        context["benefit"] = stated
    enqueue(
        s,
        now=app.clock(),
        recipient_ids=[coop.coordinator_id],
        kind="benefit_confirmed" if approve else "benefit_not_confirmed",
        context=context,
        dedupe_prefix=f"benefit-answer:{link.id}",
    )
    message = (
        t(
            lang,
            "Ihre Bestätigung ist erfasst. Die Koordination wird informiert.",
            "Your confirmation is recorded. The coordination is told.",
        )
        if approve
        else t(
            lang,
            "Ihre Antwort ist erfasst: Der Nutzen gilt nicht als bestätigt. Die Koordination "
            "wird informiert.",
            "Your answer is recorded: the benefit does not count as confirmed. The "
            "coordination is told.",
        )
    )
    status = "confirmed" if approve else "not_confirmed"
    return Outcome("benefit", lang, approve, status, message, cooperation_id=coop.id)
