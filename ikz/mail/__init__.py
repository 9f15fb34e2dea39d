"""Email delivery: render outbox rows, send them over SMTP, and a local sink for development.

Import the submodules directly (`ikz.mail.dispatch` sends, `outcome` and `digest` record
and gather what it sends, `render`, `digest` and `calendar` build mail, `content` and the
`text_*`/`meeting_text` modules say what each kind says, `smtp` holds the relay's
configuration, `sink` is the local server); this package does no work at import time.
The delivery rules are states.delivery, their statements models.delivery.
"""
