"""Custom parameters: later values overwrite earlier ones, as downstream merges them."""

from contracts import CustomParametersUpdated

from mysessions.simulation.model import Call
from mysessions.simulation.world import World


def update_parameters(world: World, call: Call, parameters: dict[str, str]) -> None:
    world.emit(CustomParametersUpdated(**world.common(call), parameters=parameters))
    call.parameters.update(parameters)
