"""The coordinator's forms in the Prefect UI: their schema (ikz.forms.schema), mapping a
filled-in form back to an input model's values (ikz.forms.fill), and each action
deployment's description (ikz.forms.describe)."""

from __future__ import annotations

from ikz.forms.describe import description
from ikz.forms.fill import fill, form_values, resolver
from ikz.forms.schema import form_model

__all__ = ["description", "fill", "form_model", "form_values", "resolver"]
