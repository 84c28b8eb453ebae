"""Centre subsidy claims (补贴申领): generated monthly, checked by the director, decided by the
district regulator (docs/subsidies.md, "Centre subsidies and claims")."""
