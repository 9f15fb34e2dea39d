"""What the forkserver of `ikz up` prepares once, before it forks the first run.

Imported by the forkserver only (deployments.serve.PRELOAD): importing it does the work,
since a module name is all a forkserver's preload takes. Every served run is a fork of
that process and inherits what is done here; left to the runs, each would do it again
after its fork (about 1.5 CPU seconds of a 2 s action run, measured in a fresh process:
the modules an action imports only when it runs, the holiday tables behind the council
deadlines of the portfolio page, SQLAlchemy's mapper configuration).

No connection, thread or event loop is opened here: a fork must not inherit one. What a
served run leaves out of Prefect's engine is set here too (deployments.lean_runs).
"""

from __future__ import annotations

import importlib
from datetime import date, timedelta

from deployments import lean_runs

# Imported by an action run after its commit (mail, pages, summary line, events), not
# when its flow module is imported.
RUN_IMPORTS = (
    "aiosmtplib",
    "holidays",
    "flows.blocks",
    "flows.dashboards",
    "ikz.actions.lifecycle",
    "ikz.events.prefect",
    "ikz.events.relay",
    "ikz.mail.digest",
    "ikz.mail.dispatch",
    "ikz.mail.failures",
    "ikz.mail.outcome",
    "ikz.mail.smtp",
    "ikz.mail.wire",
    "ikz.review.cooperation",
    "ikz.views.founding",
    "ikz.views.founding_draft",
    "ikz.views.founding_page",
    "ikz.views.portfolio",
    "models.gate_reads",
    "prefect.artifacts",
    "prefect.runtime.flow_run",
    "sqlite3",
)


def warm() -> None:
    for name in RUN_IMPORTS:
        importlib.import_module(name)

    from sqlalchemy.orm import configure_mappers

    from ikz.funding import states as funding_states
    from states.council import STATE_OF_AGS_PREFIX, is_working_day

    configure_mappers()  # the first query of every run would configure them
    funding_states()  # the shipped programme files, read and validated once
    # The holiday tables (states.council caches them per state and year): this year's
    # and next year's, as council deadlines look ahead up to a few months.
    today = date.today()
    for year in (today.year, today.year + 1):
        new_year = date(year, 1, 1)
        monday = new_year + timedelta(days=(7 - new_year.weekday()) % 7)  # not a weekend
        for state in (None, *sorted(set(STATE_OF_AGS_PREFIX.values()))):
            is_working_day(monday, state)


warm()
lean_runs.apply()
