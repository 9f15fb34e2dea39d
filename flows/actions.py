"""Coordinator actions as Prefect flows, one per entry of the action registry.

Each flow takes one pydantic parameter `eingabe`, so the UI's "Custom run" shows a
German form, and calls the same use case as the CLI; parameters are validated by the
same models with the same messages. The acting person is not in the form: it is the
person the gateway stamped the run with (`stamp`, verified in flows.common). A flow is made here for every registry entry that
has no hand-written flow (those that wait for people, e.g. flows.signoff), and bound to
this module's name for it, so that deployments find it as `flows.actions:<name>`.

validate_parameters=False: Prefect would otherwise reject bad input with pydantic's
English report before our clearer message could be given. A refused action returns
Prefect's Failed state with the one-line reason (flows.outcome.ending): the run ends
Failed without a traceback.
"""

from __future__ import annotations

from typing import Any

from prefect import Flow, flow

from flows.common import STAMP_FIELD, form_model, run_action
from flows.outcome import after_action, ending
from ikz.registry import ACTIONS, ActionSpec


def action_flow(spec: ActionSpec) -> Flow[..., Any]:
    def run(eingabe: Any, stamp: Any = STAMP_FIELD) -> Any:
        # A FieldInfo default means "not given" (called as a plain function).
        given = None if stamp is STAMP_FIELD else stamp

        def after(app: Any, result: Any, sent: int) -> None:
            after_action(app, spec, result, sent)

        return ending(lambda: run_action(spec.call(), spec.model, eingabe, given, after=after))

    # What Prefect reads: the name it pickles the flow by, and the form's schema (the
    # input without the acting person: that is whoever is logged in, see flows.common).
    run.__name__ = run.__qualname__ = spec.flow_function
    run.__module__ = __name__
    run.__annotations__ = {
        "eingabe": form_model(spec.model),
        "stamp": dict[str, Any],  # no "or None": the form would show a type switch
        "return": Any,
    }
    run.__doc__ = spec.help[0]
    return flow(
        name=spec.name,
        description=spec.help[0],
        validate_parameters=False,
        log_prints=True,
    )(run)


ACTION_FLOWS: dict[str, Flow[..., Any]] = {
    spec.name: action_flow(spec) for spec in ACTIONS if spec.flow is None
}
globals().update({f.fn.__name__: f for f in ACTION_FLOWS.values()})
