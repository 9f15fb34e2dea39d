"""Answers from the mailbox: single-use signed links in mails, the short pages they open
(`ikz.answers.web`), and what an answer records (`ikz.answers.record`)."""
