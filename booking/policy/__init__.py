"""City policy with effective dates, and the subsidies it sets (docs/subsidies.md)."""
