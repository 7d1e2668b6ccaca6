"""`python -m paperradar` runs the CLI."""

from paperradar.cli import main

main()
