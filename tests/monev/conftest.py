"""Monitoring tests use the hand-made Sanggau roster and the named people of the page tests."""

from tests.web.conftest import (  # noqa: F401
    analyst,
    outsider,
    roster,
    sanggau_operator,
    village_operator,
)
