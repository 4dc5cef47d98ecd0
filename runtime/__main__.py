"""`python -m runtime ...`: see runtime/cli/."""
import sys

from .cli import main

sys.exit(main())
