"""Idempotency-Key claims and the first responses they replay (docs/api.md, Idempotency)."""
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import now
from ..extensions import db
from ..types import UTCDateTime


class IdempotencyRecord(db.Model):
    """One key of one user: claimed (status NULL) before the work runs, then its answer.

    The unique (user_id, key) row is inserted and committed first, so concurrent requests
    with one key are settled by the database (docs/design.md, "Claim before work").
    """

    __tablename__ = "idempotency_record"
    __table_args__ = (db.UniqueConstraint("user_id", "key", name="uq_idempotency_user_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    key: Mapped[str] = mapped_column(String(200))
    request_path: Mapped[str] = mapped_column(String(200))
    # SHA-256 of method, path, query and body: the same key with another request is refused.
    # NULL on records stored before requests were fingerprinted.
    request_sha256: Mapped[str | None] = mapped_column(String(64))
    # NULL while the first request is still being handled.
    status: Mapped[int | None] = mapped_column(Integer)
    body: Mapped[str | None] = mapped_column(Text)
    # When the key was claimed (or its abandoned claim taken over): starts the 24 h window.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now, index=True)
