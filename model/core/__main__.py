"""`python -m gongkai …` is `gongkai …` (the entry point is the only part of this package that
reaches up into the layers)."""
import sys

from gongkai.inference.cli import main

sys.exit(main())
