"""The workforce register (docs/workforce.md): ID numbers and one centre per person,
qualification and background-check expiry, training hours, the regulator's coverage."""
