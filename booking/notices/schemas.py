from typing import Literal

from pydantic import Field

from ..api.schemas import Body, Out
from .preferences import CHOOSABLE, all_kinds

Kind = Literal[("*",) + all_kinds()]  # type: ignore[valid-type]
ChannelName = Literal[CHOOSABLE]  # type: ignore[valid-type]


class PreferenceIn(Body):
    kind: Kind = Field(description="A notice kind, or `*` for every kind")
    channel: ChannelName
    enabled: bool


class PreferencesIn(Body):
    preferences: list[PreferenceIn] = Field(min_length=1, max_length=200)


class PreferenceOut(Out):
    kind: str
    channel: str
    enabled: bool


class ChannelOut(Out):
    channel: str
    configured: bool = Field(description="The service has credentials for it")
    reachable: bool = Field(description="The account has what it needs (email address, phone number, WeChat openid)")


class PreferencesOut(Out):
    preferences: list[PreferenceOut] = Field(description="Every kind × channel, as it applies now")
    channels: list[ChannelOut]
