"""An action deployment's description: what it does (the registry's help, with the codes
of its choices in the words the form offers) and what its form asks for."""

from __future__ import annotations

import re

from ikz.forms.fields import shapes
from ikz.registry.spec import ActionSpec
from states.choices import CHOICES


def description(spec: ActionSpec) -> str:
    fields = shapes(spec.model)
    text = spec.help[0]  # also the CLI's help, where the codes are what one types
    for s in fields:
        if s.choice is not None:
            for code, (de, _) in CHOICES[s.choice].items():
                text = re.sub(rf"(?<![\w-]){re.escape(code)}(?![\w-])", de, text)
    needed = [s.title for s in fields if s.info.is_required()]
    optional = [s.title for s in fields if not s.info.is_required()]
    if needed:
        text += f"\n\nBenötigt: {', '.join(needed)}."
    if optional:
        text += f"\n\nWahlweise: {', '.join(optional)}."
    return text
