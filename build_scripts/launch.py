"""Entry point of the bundled executable: the same as the `noc-console` command."""

from noc_console.cli import main

raise SystemExit(main())
