"""voice-app: helps children in care and on child protection plans be heard."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Flask, g, render_template, request
from flask_wtf.csrf import CSRFError

from voice_app import crypto, db
from voice_app.config import PROJECT_ROOT, Settings
from voice_app.cookies import SessionCookieInterface
from voice_app.extensions import babel, csrf, limiter, login_manager
from voice_app.i18n.lookup import install_translation_lookup
from voice_app.inputs import install_input_rules
from voice_app.operations import install_operations
from voice_app.security import install_child_mode_lock, install_security_headers, install_temporary_password_gate
from voice_app.web_assets import install_web_assets

__all__ = ["create_app"]

DEFAULT_LOCALE = "en_GB"


def _select_locale() -> str:
    # The child's and parents' blueprints set g.locale; staff pages stay in English.
    return g.get("locale") or DEFAULT_LOCALE


def create_app(config: dict[str, Any] | None = None, *, settings: Settings | None = None) -> Flask:
    """Build the app from VOICE_APP_* settings (or those given), checked before anything starts."""
    settings = settings or Settings.from_env()
    settings.check()
    app = Flask(
        __name__,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
        instance_path=str(PROJECT_ROOT / "instance"),
    )
    install_input_rules(app)  # before any route exists: ids are bounded, text is cleaned, files refused
    app.config.update(
        VOICE_APP=settings,
        SECRET_KEY=settings.secret_key,
        SESSION_COOKIE_NAME="voice_app_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SECURE=settings.secure_cookies,
        SESSION_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=settings.secure_cookies,
        REMEMBER_COOKIE_HTTPONLY=True,
        PERMANENT_SESSION_LIFETIME=timedelta(hours=settings.session_hours),
        MAX_CONTENT_LENGTH=1024 * 1024,
        WTF_CSRF_TIME_LIMIT=None,  # tied to the session instead, so a long visit never loses a form
        BABEL_DEFAULT_LOCALE=DEFAULT_LOCALE,
        BABEL_TRANSLATION_DIRECTORIES=str(PROJECT_ROOT / "translations"),
        RATELIMIT_ENABLED=settings.rate_limits_enabled,
        RATELIMIT_STORAGE_URI=settings.rate_limit_storage_uri,
        RATELIMIT_HEADERS_ENABLED=True,
    )
    if config:
        app.config.update(config)
    app.session_interface = SessionCookieInterface()  # Secure per request; see voice_app/cookies.py

    crypto.install(settings.keyring())
    db.init_app(app, settings.database_url)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=_select_locale)
    install_translation_lookup(app)  # one look-up of the translations per request, not one per string
    limiter.init_app(app)
    _init_mail(app)
    _init_login(app)
    install_operations(app, trusted_proxy=settings.trusted_proxy)  # request ids; forwarded headers from the proxy only
    install_security_headers(app)
    install_web_assets(app)
    install_child_mode_lock(app)
    install_temporary_password_gate(app)
    _register_blueprints(app)
    _register_error_pages(app)
    _register_template_helpers(app)
    return app


def _init_login(app: Flask) -> None:
    from voice_app.sessions import install_server_sessions

    login_manager.init_app(app)
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = "Sign in to see that page."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"

    install_server_sessions(app, login_manager)  # who is signed in comes from a live row, never the cookie alone


def _init_mail(app: Flask) -> None:
    from voice_app.mail import init_app as init_mail

    init_mail(app)


def _register_blueprints(app: Flask) -> None:
    from voice_app.admin import bp as admin_bp
    from voice_app.auth import bp as auth_bp
    from voice_app.child import bp as child_bp
    from voice_app.child import handover_bp
    from voice_app.credits import bp as credits_bp
    from voice_app.escalations import bp as escalations_bp
    from voice_app.health import bp as health_bp
    from voice_app.mfa import bp as mfa_bp
    from voice_app.mfa.gate import install_second_factor_gate
    from voice_app.parents.questionnaire import bp as parents_bp
    from voice_app.parents.staff import bp as feedback_bp
    from voice_app.phone import bp as phone_bp
    from voice_app.phone import staff_bp as phones_bp
    from voice_app.phone.conversation import install_phone_conversation_gate
    from voice_app.practitioners import bp as practitioners_bp
    from voice_app.practitioners.access import install_practitioner_gate
    from voice_app.profiles import bp as profiles_bp
    from voice_app.records.routes import bp as records_bp  # the pages, on the blueprint of records/blueprint.py
    from voice_app.reports import bp as reports_bp
    from voice_app.sso import admin_bp as sso_admin_bp
    from voice_app.sso import bp as sso_bp
    from voice_app.sso import install_sso
    from voice_app.staff import bp as staff_bp
    from voice_app.statements import bp as statements_bp
    from voice_app.tracking import bp as tracking_bp

    for blueprint in (
        health_bp, credits_bp, auth_bp, staff_bp, admin_bp, statements_bp, feedback_bp, parents_bp, reports_bp,
        child_bp, handover_bp, records_bp, profiles_bp, mfa_bp, sso_bp, sso_admin_bp, phone_bp, phones_bp, practitioners_bp,
        escalations_bp, tracking_bp,
    ):
        app.register_blueprint(blueprint)
    install_second_factor_gate(app)  # after the temporary-password gate: choose a password, then set up the app
    install_sso(app)
    install_practitioner_gate(app)  # a practitioner's access ends with the conference or the invitation
    install_phone_conversation_gate(app)  # the conversation on a child's own phone needs the phone unlocked


def _register_error_pages(app: Flask) -> None:
    messages = {
        400: ("Something in that request was not right", "Go back and try again."),
        403: ("You cannot see this page", "Your account does not give you access to it."),
        404: ("Page not found", "Check the address, or go back to your caseload."),
        405: ("That did not work", "Go back and try again."),
        413: ("That was too much to send at once", "Make it shorter and try again."),
        429: ("Too many tries", "Wait a few minutes, then try again."),
        500: ("Sorry, something went wrong on our side", "Nothing you entered before this page was lost. Try again in a moment."),
    }

    def _page(code: int):
        title, advice = messages[code]
        return render_template("errors/error.html", code=code, title=title, advice=advice), code

    for code in messages:
        app.register_error_handler(code, lambda _exc, code=code: _page(code))

    @app.errorhandler(CSRFError)
    def _csrf_error(_exc):
        return render_template(
            "errors/error.html",
            code=400,
            title="This form had expired",
            advice="For your safety, forms stop working after you sign out or after a long time. "
            "Go back, reload the page and send it again.",
        ), 400


def _register_template_helpers(app: Flask) -> None:
    from flask_babel import get_locale

    from voice_app.i18n import language_name
    from voice_app.i18n.lookup import request_tgettext
    from voice_app.words import part_names, words

    # {{ _t("... %(home)s ...") }}: a translated sentence with the service's own words filled in (terms.tgettext,
    # its look-ups kept for the request).
    app.jinja_env.globals["_t"] = request_tgettext
    # Codes as words: {{ language_name("ti") }} (in the reader's language), {{ words(message.kind) }}, {{ part_names(parts) }}.
    app.jinja_env.globals.update(language_name=language_name, words=words, part_names=part_names)

    @app.context_processor
    def _globals():
        locale = get_locale()
        return {
            "service_name": app.config["VOICE_APP"].service_name,
            "text_direction": getattr(locale, "text_direction", "ltr") if locale else "ltr",
            "html_lang": str(locale).replace("_", "-") if locale else "en-GB",
            "current_path": request.path,
        }
