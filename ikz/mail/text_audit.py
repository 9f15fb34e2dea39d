"""What the audit trail's anchor mail says: the digest a coordinator keeps."""

from __future__ import annotations

from ikz.mail.text_common import Content, Ctx, Lang, coop_fact, t, title_of


def audit_anchor(ctx: Ctx, lang: Lang) -> Content:
    digest = str(ctx.get("digest", ""))
    # An anchor covers every cooperation; one named in the context is named here too.
    about_de = f" (darunter die Kooperation „{title_of(ctx)}“)" if title_of(ctx) else ""
    about_en = f" (among them the cooperation “{title_of(ctx)}”)" if title_of(ctx) else ""
    return Content(
        subject=t(lang, "Anker des Prüfpfads", "Audit trail anchor"),
        paragraphs=[
            t(
                lang,
                f"ikz-flow hat die Köpfe aller Hash-Ketten des Prüfpfads{about_de} verankert. Bitte "
                "bewahren Sie diese Nachricht auf: mit dem Prüfwert lässt sich später "
                "zeigen, dass seither nichts am Prüfpfad abgeschnitten oder umgeschrieben "
                "wurde (`ikz audit verify`).",
                f"ikz-flow has anchored the heads of every hash chain of the audit trail{about_en}. "
                "Please keep this message: its digest shows later that nothing of the "
                "trail was cut off or rewritten since (`ikz audit verify`).",
            )
        ],
        facts=[
            (t(lang, "Prüfwert (SHA-256)", "Digest (SHA-256)"), digest),
            (t(lang, "Zeitpunkt", "Time"), str(ctx.get("created_at", ""))),
            (t(lang, "Ketten", "Chains"), str(ctx.get("chains", ""))),
            (t(lang, "Datei", "File"), str(ctx.get("file", ""))),
            *coop_fact(ctx, lang),
        ],
    )
