"""``aftercare`` command line: one module per group of commands, listed in ``bot.wiring.cli``.

Errors a person can fix are ``CliError``: printed as one line on stderr with a
non-zero exit, never as a traceback.
"""

from __future__ import annotations

import sys

import typer

from bot.cli import common
from bot.cli.common import CliError, RuntimeBuilder

try:  # typer >= 0.20 vendors click
    from typer._click import exceptions as click_exceptions
except ImportError:  # pragma: no cover - older typer
    from click import exceptions as click_exceptions  # type: ignore[no-redef]


def run_cli(app: typer.Typer, argv: list[str] | None, build_runtime: RuntimeBuilder) -> None:
    """Run ``app``, turning usage errors into one line; commands that start the bot get ``build_runtime``."""
    command = typer.main.get_command(app)
    try:
        result = command.main(args=argv, prog_name="aftercare", standalone_mode=False, obj=build_runtime)
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


__all__ = ["CliError", "run_cli"]
