"""`python -m evals …` = `mbo-eval …` (evals/cli.py)."""

import sys

from evals.cli import main

sys.exit(main())
