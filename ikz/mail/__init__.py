"""Email delivery: render outbox rows, send them over SMTP, and a local sink for development.

Import the submodules (`ikz.mail.render`, `ikz.mail.dispatch`, `ikz.mail.sink`) directly;
this package does no work at import time.
"""
