"""``mysessions connect``: bridges to live PBXs, one module each (``connect_ami``,
``connect_freeswitch``), under one command group."""

import typer

from mysessions.commands.connect_ami import ami
from mysessions.commands.connect_freeswitch import freeswitch

connect_app = typer.Typer(no_args_is_help=True)
connect_app.command("ami")(ami)
connect_app.command("freeswitch")(freeswitch)
