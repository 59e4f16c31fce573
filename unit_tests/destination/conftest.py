"""Makes the destination test builders importable by name (this folder has no __init__.py on purpose:
`integration_tests/destination` shares the basename)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
