"""Base classes for API schemas and the shapes every area shares."""
from typing import Annotated, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

T = TypeVar("T")
# Row ids: positive 32-bit integers (PostgreSQL's integer column).
Id = Annotated[int, Field(ge=1, le=2**31 - 1)]


class Body(BaseModel):
    """A request body: strict types (a string is not a number), unknown fields ignored."""

    model_config = ConfigDict(strict=True, extra="ignore", str_strip_whitespace=True)


class Query(BaseModel):
    """Query-string parameters arrive as text, so they are parsed leniently."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)


class Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class PageQuery(Query):
    page: int = Field(1, ge=1, le=100000)
    per_page: int = Field(20, ge=1, le=100)


class Page(Out, Generic[T]):
    items: list[T]
    total: int
    page: int
    per_page: int


class Problem(Out):
    type: str
    title: str
    status: int
    detail: str
    errors: dict[str, list[str]] | None = None
