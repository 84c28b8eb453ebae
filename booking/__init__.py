"""Tuowei (托位): childcare place booking. `create_app()` builds the application.

Importing the package imports nothing beyond the standard library, so that
`python -m booking.allocation verify FILE` runs on a bare Python (docs/allocation.md).
"""
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def create_app(config=None, **overrides):
    from flask import Flask

    from .config import Config, check_rate_limit_storage, check_secrets, engine_options
    app = Flask(__name__, template_folder=str(ROOT / "templates"),
                static_folder=str(ROOT / "static"), instance_path=str(ROOT / "instance"))
    from .i18n import JSONProvider
    app.json = JSONProvider(app)
    cfg = config() if isinstance(config, type) else (config or Config())
    app.config.from_object(cfg)
    app.config.update(overrides)
    from . import observability
    observability.init_app(app)  # first: the checks below log, with the chosen format
    check_secrets(app)
    check_rate_limit_storage(app)
    if app.config.get("TUOWEI_PROXIES"):
        from werkzeug.middleware.proxy_fix import ProxyFix
        n = app.config["TUOWEI_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS",
                          engine_options(app.config["SQLALCHEMY_DATABASE_URI"]))
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(ROOT / "booking" / "translations")

    _init_extensions(app)
    from .api import admission
    admission.init_app(app)  # before the blueprints: a refused reserve costs no token lookup
    _register_blueprints(app)
    from .errors import register_error_handlers
    register_error_handlers(app)
    from . import cli
    cli.init_app(app)
    return app


def _init_extensions(app):
    from . import i18n, models  # noqa: F401 - every model must be known to the metadata
    from .centres import versions  # noqa: F401 - the page cache's version hooks
    from . import holdings  # noqa: F401 - every area's data is in the export and the erasure
    from .extensions import babel, csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    limiter.init_app(app)
    from .auth import cookies
    cookies.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "info"
    from flask_babel import lazy_gettext as _l
    login_manager.login_message = _l("请先登录")
    i18n.init_app(app)

    @login_manager.user_loader
    def _load(user_id):
        # "<id>:<session version>" (User.get_id); a cookie of an older version is void.
        from .auth.models import User
        ident, _sep, version = str(user_id).partition(":")
        if not (ident.isdigit() and version.isdigit()):
            return None
        user = db.session.get(User, int(ident))
        if user is None or not user.is_active or user.session_version != int(version):
            return None
        return user

    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        from sqlalchemy import event

        with app.app_context():
            @event.listens_for(db.engine, "connect")
            def _sqlite_pragmas(dbapi_conn, _record):
                # WAL lets readers work while one writer holds the lock; FKs are off by default.
                cur = dbapi_conn.cursor()
                cur.execute("PRAGMA journal_mode=WAL")
                cur.execute("PRAGMA foreign_keys=ON")
                cur.execute("PRAGMA busy_timeout=30000")
                cur.close()

    else:
        from .pool import ping_when_idle

        with app.app_context():
            ping_when_idle(db.engine, app.config["TUOWEI_DB_PING_IDLE_SECONDS"])

    @app.before_request
    def _fresh_identity():
        # Tests run requests inside one app context, where `g` outlives a request;
        # who is asking, and in which language, is decided anew for every request.
        from flask import g
        from flask_babel import refresh
        g.pop("_login_user", None)
        g.pop("api_user", None)
        refresh()

    from .web import csp_nonce, security_headers
    app.after_request(security_headers)

    @app.context_processor
    def _globals():
        from flask_login import current_user
        from .audit.queries import unread_count
        return {"unread_count": unread_count(current_user) if current_user.is_authenticated else 0,
                "csp_nonce": csp_nonce}


def _register_blueprints(app):
    from .absences.views import bp as absences_bp
    from .allocation.views import bp as allocation_bp
    from .api import bp as api_bp
    from .auth.admin_views import bp as admin_bp
    from .auth.views import bp as auth_bp
    from .centres.views import bp as centres_bp
    from .public.views import bp as public_bp
    from .homes.views import bp as homes_bp
    from .regulator.views import bp as regulator_bp
    from .waitlists.lottery_views import bp as lottery_bp
    from .audit.views import bp as audit_bp
    from .children.views import bp as children_bp
    from .reservations.views import bp as reservations_bp
    from .slots.views import bp as slots_bp
    from .waitlists.views import bp as waitlists_bp
    from .children.privacy_views import bp as privacy_bp
    from .health.views import bp as health_bp
    from .pickup.views import bp as pickup_bp
    from .reservations.enrolment_views import bp as enrolment_bp
    from .rosters.views import bp as rosters_bp
    from .sessions.views import bp as sessions_bp
    from .exams.views import bp as exams_bp
    from .fees.views import bp as fees_bp
    from .auth.staff_views import bp as staff_accounts_bp
    from .daily.views import bp as daily_bp
    from .messages.views import bp as messages_bp
    from .growth.views import bp as growth_bp
    from .exams.result_views import bp as exam_results_bp
    from .outbreaks.views import bp as outbreaks_bp
    from .complaints.views import bp as complaints_bp
    from .changes.views import bp as changes_bp
    from .recognition.views import bp as recognition_bp
    from .evaluation.views import bp as evaluation_bp
    from .workforce.views import bp as workforce_bp
    from .planning.views import bp as planning_bp
    from .notices.views import bp as notices_bp
    from .policy.views import bp as policy_bp
    from .entitlements.views import bp as entitlements_bp
    from .subsidies.views import bp as subsidies_bp
    from .subsidies.review_views import bp as subsidy_review_bp
    from .operators.views import bp as operators_bp
    from .operators.staff_views import bp as staff_centres_bp
    from .operators.transfer_views import bp as operator_transfers_bp
    from .employers.views import bp as employers_bp
    from .extensions import csrf

    # Routes of each area attach themselves to the shared API blueprint on import.
    from .absences import api as _absences_api  # noqa: F401
    from .allocation import api as _allocation_api  # noqa: F401
    from .api import openapi  # noqa: F401
    from .auth import api as _auth_api  # noqa: F401
    from .centres import api as _centres_api  # noqa: F401
    from .children import api as _children_api  # noqa: F401
    from .daily import api as _daily_api  # noqa: F401
    from .fees import api as _fees_api  # noqa: F401
    from .health import api as _health_api  # noqa: F401
    from .pickup import api as _pickup_api  # noqa: F401
    from .messages import api as _messages_api  # noqa: F401
    from .regulator import api as _regulator_api  # noqa: F401
    from .reservations import api as _reservations_api  # noqa: F401
    from .rosters import api as _rosters_api  # noqa: F401
    from .sessions import api as _sessions_api  # noqa: F401
    from .exams import api as _exams_api  # noqa: F401
    from .sessions import charges as _session_charges  # noqa: F401  (statement lines)
    from .slots import api as _slots_api  # noqa: F401
    from .employers import api as _employers_api  # noqa: F401
    from .waitlists import api as _waitlists_api  # noqa: F401
    from .growth import api as _growth_api  # noqa: F401
    from .exams import results_api as _exam_results_api  # noqa: F401
    from .outbreaks import api as _outbreaks_api  # noqa: F401
    from .complaints import api as _complaints_api  # noqa: F401
    from .changes import api as _changes_api  # noqa: F401
    from .recognition import api as _recognition_api  # noqa: F401
    from .evaluation import api as _evaluation_api  # noqa: F401
    from .workforce import api as _workforce_api  # noqa: F401
    from .planning import api as _planning_api  # noqa: F401
    from .notices import api as _notices_api  # noqa: F401
    from .policy import api as _policy_api  # noqa: F401
    from .entitlements import api as _entitlements_api  # noqa: F401
    from .subsidies import api as _subsidies_api  # noqa: F401
    from .subsidies import review_api as _subsidy_review_api  # noqa: F401
    from .operators import api as _operators_api  # noqa: F401
    from .operators import staff_api as _staff_centres_api  # noqa: F401
    from .operators import transfer_api as _operator_transfers_api  # noqa: F401

    csrf.exempt(api_bp)  # the API takes bearer tokens only, never cookies
    for bp in (public_bp, homes_bp, auth_bp, admin_bp, centres_bp, lottery_bp, regulator_bp,
               children_bp, slots_bp, reservations_bp, waitlists_bp, audit_bp, api_bp):
        app.register_blueprint(bp)
    for bp in (health_bp, enrolment_bp, privacy_bp):
        app.register_blueprint(bp)
    app.register_blueprint(rosters_bp)
    app.register_blueprint(sessions_bp)
    app.register_blueprint(exams_bp)
    app.register_blueprint(fees_bp)
    app.register_blueprint(staff_accounts_bp)
    app.register_blueprint(allocation_bp)
    app.register_blueprint(daily_bp)
    app.register_blueprint(absences_bp)
    app.register_blueprint(pickup_bp)
    app.register_blueprint(messages_bp)
    app.register_blueprint(growth_bp)
    app.register_blueprint(exam_results_bp)
    app.register_blueprint(outbreaks_bp)
    app.register_blueprint(complaints_bp)
    app.register_blueprint(changes_bp)
    app.register_blueprint(recognition_bp)
    app.register_blueprint(evaluation_bp)
    app.register_blueprint(workforce_bp)
    app.register_blueprint(planning_bp)
    app.register_blueprint(notices_bp)
    app.register_blueprint(policy_bp)
    app.register_blueprint(entitlements_bp)
    app.register_blueprint(subsidies_bp)
    app.register_blueprint(subsidy_review_bp)
    app.register_blueprint(operators_bp)
    app.register_blueprint(staff_centres_bp)
    app.register_blueprint(operator_transfers_bp)
    app.register_blueprint(employers_bp)
