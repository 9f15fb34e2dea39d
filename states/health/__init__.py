"""The Kooperations-Check: one explainable traffic light per success factor, and overall.

- rules: colours, factors, thresholds (`HealthRules`) and what a check finds;
- factors_common, factors_people (1-4), factors_course (5-8): the factor checks;
- check: the overall check (`check_health`, its rules in its docstring) and plain values
  for views, artifacts and mails.

Imports go one way: rules <- factors_* <- check <- this package's names.
"""

from states.health.check import (
    CHECKS,
    as_context,
    as_view,
    check_health,
    colour_label,
    overall_colour,
)
from states.health.rules import (
    COLOUR_LABELS,
    FACTOR_SHORT_EN,
    FACTORS,
    MARKS,
    RANK,
    VALUES,
    Colour,
    Findings,
    HealthCheck,
    HealthRules,
    Verdict,
)

__all__ = [
    "CHECKS",
    "COLOUR_LABELS",
    "FACTORS",
    "FACTOR_SHORT_EN",
    "MARKS",
    "RANK",
    "VALUES",
    "Colour",
    "Findings",
    "HealthCheck",
    "HealthRules",
    "Verdict",
    "as_context",
    "as_view",
    "check_health",
    "colour_label",
    "overall_colour",
]
