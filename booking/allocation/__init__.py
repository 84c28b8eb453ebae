"""Allocation rounds (统一派位); docs/allocation.md."""
