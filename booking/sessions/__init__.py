"""Hourly and occasional care sessions (临时托育) and parent–child sessions (亲子活动)."""
