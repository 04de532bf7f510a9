"""URL templates parse, and render caller data, in time linear in their size (issue 13).

A template is an operator's (at most MAX_TEMPLATE_CHARS); the values rendered into it are
callers' and upstream flows' (a parameter value at most MAX_PARAMETER_VALUE_CHARS), and
rendering runs in the context worker for every session.
"""

import contextlib
from collections.abc import Callable

import pytest
from contracts.limits import MAX_PARAMETER_VALUE_CHARS
from contracts.templates import MAX_TEMPLATE_CHARS, parse_url_template, render_url_template
from mysessions_platform.testing.linear_time import assert_linear, repeated_to

pytestmark = pytest.mark.unit

BASE = "https://crm.example/"


def _parse_or_refuse(text: str) -> None:
    with contextlib.suppress(ValueError):
        parse_url_template(text)


HOSTILE: dict[str, Callable[[int], str]] = {
    "escaped braces": lambda n: BASE + repeated_to("{{", n - len(BASE)),
    "placeholders": lambda n: BASE + repeated_to("{param.A}", n - len(BASE)),
    "unclosed placeholder": lambda n: BASE + "{param." + "a" * (n - len(BASE) - 7),
    "one long path": lambda n: BASE + "a" * (n - len(BASE)),
    "host only": lambda n: "https://" + repeated_to("a.", n - 8),
}


@pytest.mark.serial
@pytest.mark.parametrize("shape", HOSTILE)
def test_a_template_parses_in_time_linear_in_its_length(shape: str) -> None:
    assert_linear(_parse_or_refuse, HOSTILE[shape], MAX_TEMPLATE_CHARS, within_s=0.05, calls=20)


@pytest.mark.serial
@pytest.mark.parametrize("value_pattern", ["/", "a", "é", "%", "{{"])
def test_values_render_in_time_linear_in_their_length(value_pattern: str) -> None:
    parts = parse_url_template(BASE + "{param.A}/{param.B}?q={caller.city}")

    def render(value: str) -> str:
        return render_url_template(
            parts, {"param.A": value, "param.B": value, "caller.city": value}
        )

    make = lambda n: repeated_to(value_pattern, n)  # noqa: E731
    assert_linear(render, make, MAX_PARAMETER_VALUE_CHARS, within_s=0.05, calls=20)
