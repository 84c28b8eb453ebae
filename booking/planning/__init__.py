"""Planning (docs/planning.md): places per subdistrict against the children under 3
expected there, and what a new centre would change."""
