"""``aftercare`` command line: one Typer app, one module per group of commands.

Errors a person can fix are ``CliError``: printed as one line on stderr with a
non-zero exit, never as a traceback.
"""

from __future__ import annotations

import sys

import typer

from bot.cli import common
from bot.cli.common import CliError

try:  # typer >= 0.20 vendors click
    from typer._click import exceptions as click_exceptions
except ImportError:  # pragma: no cover - older typer
    from click import exceptions as click_exceptions  # type: ignore[no-redef]

app = typer.Typer(
    name="aftercare",
    help="Prolotherapy aftercare Telegram bot.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _register_commands() -> None:
    from bot.cli import config_cmds, invite_cmd, logs_cmd, run_cmds, staff_cmds, triage_cmd

    for module in (config_cmds, run_cmds, invite_cmd, staff_cmds, triage_cmd, logs_cmd):
        module.register(app)


_register_commands()


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the Typer app, turning usage errors into one line."""
    command = typer.main.get_command(app)
    try:
        result = command.main(args=argv, prog_name="aftercare", standalone_mode=False)
    except (typer.Abort, getattr(click_exceptions, "Abort", typer.Abort)):
        common.fail("aborted", code=130)
    except click_exceptions.UsageError as exc:
        if type(exc).__name__ == "NoArgsIsHelpError" and exc.ctx is not None:
            print(exc.ctx.get_help())
            sys.exit(0)
        common.fail(f"error: {exc.format_message()}", code=2)
    except (typer.Exit, getattr(click_exceptions, "Exit", typer.Exit)) as exc:
        sys.exit(exc.exit_code)
    except CliError as exc:
        common.fail(str(exc), code=exc.code)
    except KeyboardInterrupt:
        common.fail("interrupted", code=130)
    sys.exit(result if isinstance(result, int) else 0)


__all__ = ["CliError", "app", "main"]
