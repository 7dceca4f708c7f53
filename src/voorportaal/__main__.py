"""`python -m voorportaal` is the `voorportaal` command."""

from voorportaal.cli import main

main()
