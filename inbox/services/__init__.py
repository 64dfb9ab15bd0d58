"""Write-side services of the inbox, one module per job (ingest, the SLA clock hook, priority, workflow)."""
