"""The `flask --app wsgi ...` commands: seed, users, places, the jobs by hand."""
import click
from flask.cli import AppGroup

users = AppGroup("users", help="Manage accounts.")


@users.command("create")
@click.option("--role", type=click.Choice(["parent", "staff", "regulator", "admin"]), required=True)
@click.option("--email", required=True)
@click.option("--password", required=True)
@click.option("--name", default=None, help="Display name (defaults to the email's user part).")
@click.option("--centre", "centre_id", type=int, default=None, help="Staff: the centre's id.")
@click.option("--staff-role", type=click.Choice(["director", "carer", "health", "finance"]),
              default="director", show_default=True,
              help="Staff: what the account may do at its centre (docs/permissions.md).")
@click.option("--district", default=None, help="Regulator: the district code.")
@click.option("--city", default=None, help="Regulator: the city.")
@click.option("--national", is_flag=True, default=False,
              help="Regulator: the whole country (only ever by this explicit flag).")
def create_user(role, email, password, name, centre_id, staff_role, district, city, national):
    """Create a staff, regulator, admin (or parent) account."""
    from sqlalchemy import select

    from .auth import services
    from .centres.models import District
    from .errors import BookingError
    from .extensions import db

    district_id = None
    if district:
        district_id = db.session.scalar(select(District.id).where(District.code == district))
        if district_id is None:
            raise click.ClickException(f"no district with code {district}")
    try:
        user = services.create_user(role=role, email=email, password=password,
                                    name=name or email.split("@")[0], centre_id=centre_id,
                                    district_id=district_id, city=city, national=national,
                                    staff_role=staff_role if role == "staff" else None)
    except BookingError as err:
        details = "; ".join(f"{k}: {', '.join(map(str, v))}" for k, v in (err.errors or {}).items())
        raise click.ClickException(f"{err.message}{' — ' + details if details else ''}")
    role_note = f" ({user.staff_role})" if user.staff_role else ""
    click.echo(f"created {user.role} #{user.id} {user.email}{role_note}")


@click.command("seed")
@click.option("--quiet", is_flag=True)
def seed(quiet):
    """Load the demo and reference data in seeds/ (safe to run again)."""
    from .seeding import load_all

    load_all(echo=(lambda *_a, **_k: None) if quiet else click.echo)




@click.command("scheduler")
def scheduler():
    """Run the scheduled jobs (release lapsed holds, offer places on, remind, email) in this
    process until stopped. Two at once are safe; a restarted one catches up."""
    import logging

    from flask import current_app

    from .jobs import build_scheduler

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    sched = build_scheduler(current_app._get_current_object())
    port = current_app.config.get("TUOWEI_SCHEDULER_METRICS_PORT")
    if port:  # the jobs' metrics, for Prometheus on the internal network (docs/operations.md)
        from prometheus_client import start_http_server
        start_http_server(port)
    click.echo(f"scheduler: every {current_app.config['TUOWEI_SWEEP_SECONDS']} s; Ctrl-C stops it")
    try:
        sched.start()
    except (KeyboardInterrupt, SystemExit):
        pass


@click.command("release-lapsed")
def release_lapsed():
    """Run the lapse sweep once: expire lapsed holds and offers, offer places on (and free
    places nobody was offered yet)."""
    from .places.sweeps import release_lapsed as sweep, remind_lapsing, serve_waitlists

    click.echo(f"released {sweep()} lapsed holds; reminded {remind_lapsing()}; "
               f"offered {serve_waitlists()} free places")


@click.command("check-outbreaks")
def check_outbreaks():
    """Check every centre with illness in the last 14 days against the outbreak rules once
    (the job's work; docs/outbreaks.md). Alerts already open are not opened again."""
    from .outbreaks.detection import check_outbreaks as check

    click.echo(f"opened {check()} outbreak alerts")


@click.command("post-charges")
@click.option("--month", default=None, help="YYYY-MM (default: this month)")
def post_charges(month):
    """Post each enrolment's fee for the month once (re-running posts nothing twice)."""
    from .errors import BookingError
    from .fees.services import post_monthly_charges

    try:
        click.echo(f"posted {post_monthly_charges(month)} monthly charges")
    except BookingError as err:
        raise click.ClickException("; ".join(str(m) for ms in (err.errors or {}).values()
                                             for m in ms) or err.message)


subsidies = AppGroup("subsidies", help="Centre subsidy claims (docs/subsidies.md).")


@subsidies.command("generate")
@click.option("--month", default=None, help="YYYY-MM, a month that has ended (default: last month)")
def subsidies_generate(month):
    """Generate (or regenerate) the draft claims of every centre whose city pays a centre
    subsidy; submitted and decided claims are left as they are."""
    from .errors import BookingError
    from .subsidies.jobs import generate_month

    try:
        made, left = generate_month(month)
    except BookingError as err:
        raise click.ClickException("; ".join(str(m) for ms in (err.errors or {}).values()
                                             for m in ms) or err.message)
    click.echo(f"generated {made} subsidy claims, {left} already submitted or decided")


places = AppGroup("places", help="Places: one child, one place.")


@places.command("check")
@click.option("--fix", is_flag=True, default=False,
              help="Resolve each child: keep the enrolment (the earliest), else the earliest "
                   "hold; end the others, audited, the family told, the places offered on.")
def places_check(fix):
    """List children with more than one live place (databases made before the rule); with
    --fix, resolve them (docs/operations.md). Without --fix nothing changes."""
    from .clock import LOCAL
    from .places import check

    def shown(r):
        return (f"#{r.id} {r.slot.centre.name} (centre #{r.slot.centre_id}), slot #{r.slot_id}, "
                f"{r.status} since {check.since(r).astimezone(LOCAL):%Y-%m-%d %H:%M}")

    findings = check.find()
    if not findings:
        click.echo("places check: no child has more than one live place")
        return
    click.echo(f"places check: {len(findings)} children with more than one live place")
    for finding in findings:
        click.echo(f"child #{finding.child_id} {finding.keep.child.name}:")
        for r in finding.places:
            click.echo(f"  reservation {shown(r)}")
    if not fix:
        click.echo("nothing changed; --fix resolves them")
        return
    done = check.fix()
    for finding in done:
        click.echo(f"child #{finding.child_id}: kept reservation {shown(finding.keep)}")
        for r, was in finding.ended:
            click.echo(f"  ended reservation #{r.id} at {r.slot.centre.name}: {was} -> {r.status}")
    click.echo(f"places check --fix: resolved {len(done)} children, ended "
               f"{sum(len(f.ended) for f in done)} places")


@places.command("recount")
@click.option("--fix", is_flag=True, default=False,
              help="Set each drifted counter to its recount, audited.")
def places_recount(fix):
    """Compare every slot's enrolled counter with a recount of its reservations; with --fix,
    repair the drifted ones (docs/operations.md). Without --fix nothing changes."""
    from .places import counters

    found = counters.drift()
    if not found:
        click.echo("places recount: every slot's enrolled counter matches its reservations")
        return
    click.echo(f"places recount: {len(found)} slots whose enrolled counter drifted")
    for d in found:
        click.echo(f"  slot #{d.slot_id}: counter {d.counted}, reservations {d.actual}")
    if not fix:
        click.echo("nothing changed; --fix repairs them")
        return
    fixed = counters.recount()
    click.echo(f"places recount --fix: repaired {len(fixed)} slots")


def init_app(app):
    from .backup import backup, restore

    for command in (users, seed, scheduler, release_lapsed, check_outbreaks, post_charges,
                    subsidies, places, backup, restore):
        app.cli.add_command(command)
