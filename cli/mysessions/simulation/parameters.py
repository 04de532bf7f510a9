"""Custom parameters: later values overwrite earlier ones, as downstream merges them."""

from contracts import CustomParametersUpdated

from mysessions.simulation.ids import service_session_id
from mysessions.simulation.model import Call
from mysessions.simulation.world import World


def current_service_session(call: Call) -> str:
    """The service session the call is in now; an outbound call's own (``.q0``) before any
    queue, the last one it visited between a transfer and its arrival."""
    if call.visit is not None:
        return call.visit.service_session_id
    return service_session_id(call.session_id, call.visits)


def update_parameters(world: World, call: Call, parameters: dict[str, str]) -> None:
    world.emit(
        CustomParametersUpdated(
            **world.common(call),
            service_session_id=current_service_session(call),
            parameters=parameters,
        )
    )
    call.parameters.update(parameters)
