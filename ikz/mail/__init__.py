"""Email delivery: render outbox rows, send them over SMTP, and a local sink for development.

Import the submodules directly (`ikz.mail.dispatch` sends, `render`, `digest` and
`calendar` build mail, `smtp` holds the relay's configuration, `sink` is the local server);
this package does no work at import time.
"""
