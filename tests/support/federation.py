"""Federation test values shared by the assertion, producer and route tests."""

from __future__ import annotations

from samvard.demo import personas
from samvard.federation.assertions import Requester


def home_care_requester(care_giver_hsaid: str) -> Requester:
    """The demo's home-care staff member asking for social care, with a relation asserted.

    The care giver is a parameter: the assertion tests use the municipality's HSA-id as
    it is, the producer and route tests the care giver id the demo world stores.
    """
    return Requester(
        staff_hsaid=personas.CARE_STAFF.hsa_id,
        role="care_staff",
        unit_hsaid=personas.HOME_CARE_UNIT,
        care_giver_hsaid=care_giver_hsaid,
        care_giver_kind="municipality",
        purpose="social_care",
        relation=True,
    )
