"""`python -m valuewatch` is the `valuewatch` command."""

from valuewatch.cli import main

raise SystemExit(main())
