"""RAET lane SDK: act as a lane yard and exchange routed messages through the host's router.

    from raetsdk import Yard
    with Yard("worker1", dir="/tmp/raet") as y:
        print(y.request(["", "", "echo"], {"n": 1}, timeout=2))
"""

from . import lane
from .lane import LaneError, PageError
from .route import (ERROR_CODES, KINDS, Address, Message, PresenceEvent, RaetError, RequestTimeout,
                    RouteError, address, format_address)
from .yard import Presence, Share, Yard, YardUnreachable

__version__ = "0.1.0"

__all__ = [
    "Yard", "Share", "Presence", "PresenceEvent", "Message", "Address", "address", "format_address",
    "KINDS", "ERROR_CODES",
    "RaetError", "RouteError", "RequestTimeout", "YardUnreachable", "LaneError", "PageError", "lane",
]
