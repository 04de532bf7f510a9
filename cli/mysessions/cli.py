"""``mysessions``: every operator command, one typer app."""

import typer

from mysessions.commands.acw import acw_app, tags_app
from mysessions.commands.bench import bench_app
from mysessions.commands.connect import connect_app
from mysessions.commands.contacts import contacts_app
from mysessions.commands.context_cmds import context_app, unprovision_command
from mysessions.commands.demo import demo
from mysessions.commands.dlq import dlq_app
from mysessions.commands.docs import docs_app
from mysessions.commands.doctor import doctor
from mysessions.commands.follow import follow_app
from mysessions.commands.keys import keys_app
from mysessions.commands.lag import lag
from mysessions.commands.publish import publish
from mysessions.commands.rebuild import rebuild
from mysessions.commands.report import report_app
from mysessions.commands.run import run
from mysessions.commands.settings import settings_app
from mysessions.commands.simulate import simulate_command
from mysessions.commands.topics import topics_app
from mysessions.commands.view import view
from mysessions.commands.webhooks import webhooks_app
from mysessions.infra_cli import infra_app

app = typer.Typer(no_args_is_help=True, help="My Sessions backbone: operate it locally.")
app.add_typer(infra_app, name="infra", help="Local Kafka, Redis, PostgreSQL and FerretDB servers.")
app.add_typer(settings_app, name="settings", help="Service and tenant settings (MongoDB).")
app.add_typer(contacts_app, name="contacts", help="Tenants' address books and user directories.")
app.add_typer(context_app, name="context", help="Sessions' live and stored context.")
app.add_typer(keys_app, name="keys", help="Tenant API keys of the connector API (CRM flows).")
app.command(name="unprovision")(unprovision_command)
app.command()(run)
app.command()(view)
app.command()(rebuild)
app.command()(publish)
app.add_typer(connect_app, name="connect", help="Bridge a live PBX: ami, freeswitch.")
app.add_typer(follow_app, name="follow", help="Follow a live log: follow queue-log.")
app.command(name="simulate")(simulate_command)
app.command()(demo)
app.add_typer(acw_app, name="acw", help="After-call work: save a task's codes and tags once.")
app.add_typer(tags_app, name="tags", help="Tag suggestions from saved after-call work.")
app.add_typer(topics_app, name="topics", help="Check the topics against their specs.")
app.add_typer(report_app, name="report", help="Reporting records for BI: export.")
app.add_typer(docs_app, name="docs", help="The API documents under docs/: generate, check.")
app.add_typer(dlq_app, name="dlq", help="Dead letters: list, show, redrive after a fix.")
app.add_typer(
    webhooks_app, name="webhooks", help="Trigger-event webhooks: endpoints, log, redelivery."
)
app.command()(lag)
app.command()(doctor)
app.add_typer(
    bench_app, name="bench", help="The pipeline's speed, with its baselines in the same run."
)
