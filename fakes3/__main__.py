"""``python -m fakes3``: the same command line as the ``fakes3`` script."""

import sys

from fakes3.cli import main

sys.exit(main())
