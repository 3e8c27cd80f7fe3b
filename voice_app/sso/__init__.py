"""Single sign-on with the council's OpenID Connect provider: the sign-in routes and the admin's settings."""

from flask import Blueprint, Flask

bp = Blueprint("sso", __name__)
admin_bp = Blueprint("sso_admin", __name__, url_prefix="/admin/single-sign-on")


def install_sso(app: Flask) -> None:
    """Authlib's registry, the sign-in button's name for templates, and the periodic re-check of provider sessions."""
    from voice_app.sso.checks import install_provider_checks
    from voice_app.sso.client import install_oauth

    install_oauth(app)
    install_provider_checks(app)


from voice_app.sso import admin_routes, routes  # noqa: E402,F401
