"""The connection pool's health check, without a round trip per request (docs/operations.md,
"Database connections").

`pool_pre_ping` pings on every checkout: one extra round trip for every request, a tenth of
the reserve's. A connection that was used a moment ago is almost never dead, so only one
that sat idle longer than TUOWEI_DB_PING_IDLE_SECONDS is pinged; a failed ping raises
`DisconnectionError`, on which the pool discards the connection and checks out another
(SQLAlchemy retries up to three times), so the request never sees it. `pool_recycle`
replaces connections before a server or firewall idle timeout can cut them. A connection
cut while busy (the server restarted) fails that one request, and the pool then discards
every connection older than the failure.
"""
from time import monotonic

from sqlalchemy import event
from sqlalchemy.exc import DisconnectionError


def ping_when_idle(engine, idle_seconds: float) -> None:
    @event.listens_for(engine, "checkin")
    def _returned(_dbapi_conn, record):
        if record is not None:
            record.info["returned_at"] = monotonic()

    @event.listens_for(engine, "checkout")
    def _taken(dbapi_conn, record, _proxy):
        returned = record.info.get("returned_at")
        if returned is None or monotonic() - returned <= idle_seconds:
            return  # new, or used a moment ago
        try:
            engine.dialect.do_ping(dbapi_conn)
        except Exception as err:
            raise DisconnectionError() from err
