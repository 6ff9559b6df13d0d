"""Background job handlers of registration (bulk card printing, imports)."""
