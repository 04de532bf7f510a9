import re

import pytest
from mysessions_platform.testing.naming import unique_name

pytestmark = pytest.mark.unit


def test_names_have_the_prefix_and_eight_hex_digits() -> None:
    assert re.fullmatch(r"t-[0-9a-f]{8}", unique_name())
    assert re.fullmatch(r"grp-[0-9a-f]{8}", unique_name("grp"))


def test_names_do_not_repeat() -> None:
    names = {unique_name() for _ in range(1000)}
    assert len(names) == 1000
