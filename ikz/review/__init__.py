"""Reviews and the portfolio sweep.

- cooperation: one cooperation's review (checklist, signals, check, next date) and its
  dashboard;
- sweep: the daily sweep of the whole portfolio in id ranges;
- pool: the helper processes that sweep ranges beside the sweeping process;
- reminders: overdue conflicts and sign-off requests, after the ranges.
"""

from ikz.review.cooperation import (
    ReviewResult,
    ReviewRules,
    checklist,
    checklist_with,
    cooperation_markdown,
    next_gate,
    review_cooperation,
    state_label,
)
from ikz.review.sweep import SWEEP_BATCH, SweepResult, batch_ranges, sweep_portfolio, sweep_range

__all__ = [
    "SWEEP_BATCH",
    "ReviewResult",
    "ReviewRules",
    "SweepResult",
    "batch_ranges",
    "checklist",
    "checklist_with",
    "cooperation_markdown",
    "next_gate",
    "review_cooperation",
    "state_label",
    "sweep_portfolio",
    "sweep_range",
]
