"""Extension objects shared by the blueprints, bound to an app in create_app()."""

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf import CSRFProtect

babel = Babel()
csrf = CSRFProtect()
login_manager = LoginManager()
# Memory storage is per process: fine for the demo; set VOICE_APP_RATE_LIMIT_STORAGE_URI in production.
limiter = Limiter(get_remote_address)
