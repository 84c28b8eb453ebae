import pytest


@pytest.fixture(autouse=True)
def _quick_password_hashing(monkeypatch):
    """Argon2 at its production cost takes ~0.13 s a hash; these tests make many accounts.
    Verification reads the cost from the stored hash, so logins keep working."""
    from argon2 import PasswordHasher

    from booking.auth import services as auth
    monkeypatch.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024,
                                                        parallelism=1))
