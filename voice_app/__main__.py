"""python -m voice_app runs the voice-app command."""

import sys

from voice_app.cli import main

sys.exit(main())
