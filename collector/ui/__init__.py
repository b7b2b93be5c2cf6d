"""The product owners' pages under /ui/: reports, KPI trends and assessments, rendered on
the server from what the evaluators stored, behind a sign-in with an API key."""
