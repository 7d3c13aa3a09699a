"""``python -m engine``: bring the site's figures and values up to date."""

import sys

from engine.build import main

sys.exit(main())
