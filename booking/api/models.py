"""Stored first responses for the Idempotency-Key header (API.md conventions)."""
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import now
from ..extensions import db
from ..types import UTCDateTime


class IdempotencyRecord(db.Model):
    __tablename__ = "idempotency_record"
    __table_args__ = (db.UniqueConstraint("user_id", "key", name="uq_idempotency_user_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    key: Mapped[str] = mapped_column(String(200))
    request_path: Mapped[str] = mapped_column(String(200))
    status: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now, index=True)
