"""One declarative way to define a ``studio`` command and the option groups commands share.

A command module states what is its own and nothing else::

    COMMAND = Command(
        "matte",
        "remove an image's flat background",
        args=(arg("input", type=Path, help="image"), *output_file(), arg("--key")),
    )

    @COMMAND.runs
    def run(args: argparse.Namespace) -> int: ...

:meth:`Command.register` turns that into the argparse parser (help, description, options,
the handler the error boundary calls), so every command gets the same ``-o/--output``,
``--overwrite``, ``--json`` and ``--device`` spelled and explained the same way.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

Handler = Callable[[argparse.Namespace], int]
DEVICES = ("auto", "cuda", "mps", "cpu")


@dataclass(frozen=True)
class Arg:
    """One ``add_argument`` call as data: its names or flags and its keywords."""

    flags: tuple[str, ...]
    options: Mapping[str, Any]


@dataclass(frozen=True)
class Group:
    """Arguments under their own ``--help`` heading, or a set of which one may be given."""

    args: tuple[Arg, ...]
    title: str | None = None
    exclusive: bool = False


def arg(*flags: str, **options: Any) -> Arg:
    """An argument, exactly as ``parser.add_argument(*flags, **options)`` would take it."""
    return Arg(flags, options)


@dataclass
class Command:
    """A command (or a target of ``studio bench``) as data.

    Parameters
    ----------
    name
        The word after ``studio``.
    help
        The one line ``studio --help`` shows.
    description
        The paragraph its own ``--help`` shows (a raw one keeps its line breaks).
    args
        Its arguments and groups, in ``--help`` order.
    actions
        Sub-actions (``studio data build``), stored in ``args.<action_dest>``.
    add_help
        ``False`` for a command that parses its own options (``studio bench ui``).
    """

    name: str
    help: str
    description: str | None = None
    args: Sequence[Arg | Group] = ()
    raw_description: bool = False
    actions: Sequence[Command] = ()
    action_dest: str = "action"
    add_help: bool = True
    run: Handler | None = field(default=None, init=False)

    def runs(self, handler: Handler) -> Handler:
        """Decorator: ``handler`` runs the command; it is returned unchanged."""
        self.run = handler
        return handler

    def register(self, subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
        """Add this command's parser (and its actions') to ``subparsers``.

        Raises
        ------
        TypeError
            For a command nothing runs (no ``@COMMAND.runs``, no actions, and it does not
            parse its own options): a bug that would otherwise print the help and exit 2.
        """
        if self.run is None and not self.actions and self.add_help:
            raise TypeError(f"studio {self.name} has no handler: decorate it with @COMMAND.runs")
        parser = subparsers.add_parser(
            self.name,
            help=self.help,
            description=self.description,
            add_help=self.add_help,
            formatter_class=(
                argparse.RawDescriptionHelpFormatter
                if self.raw_description
                else argparse.HelpFormatter
            ),
        )
        add_arguments(parser, self.args)
        if self.actions:
            actions = parser.add_subparsers(dest=self.action_dest, metavar="ACTION", required=True)
            for action in self.actions:
                action.register(actions)
        if self.run is not None:
            parser.set_defaults(handler=self.run)
        return parser


def add_arguments(parser: argparse.ArgumentParser, items: Sequence[Arg | Group]) -> None:
    """Add ``items`` to ``parser`` in order, each group as an argparse group."""
    for item in items:
        if isinstance(item, Arg):
            parser.add_argument(*item.flags, **item.options)
            continue
        group = (
            parser.add_mutually_exclusive_group()
            if item.exclusive
            else parser.add_argument_group(item.title)
        )
        for member in item.args:
            group.add_argument(*member.flags, **member.options)


# -- the option groups commands share ----------------------------------------------------------


def output_option(help: str = "OUT.png", *, required: bool = True) -> Arg:
    """``-o/--output PATH``: where the command writes."""
    return arg("-o", "--output", type=Path, required=required, help=help)


def overwrite_option(help: str = "replace OUT.png if it exists") -> Arg:
    """``--overwrite``: an existing output is refused without it."""
    return arg("--overwrite", action="store_true", help=help)


def output_file(
    help: str = "OUT.png", *, overwrite: str = "replace OUT.png if it exists", required: bool = True
) -> tuple[Arg, Arg]:
    """``-o/--output`` then ``--overwrite``: one file the command writes."""
    return output_option(help, required=required), overwrite_option(overwrite)


def json_option(help: str | None = "print JSON instead of text") -> Arg:
    """``--json``: machine-readable output on stdout."""
    return arg("--json", action="store_true", help=help)


def device_option() -> Arg:
    """``--device``: where a model runs."""
    return arg("--device", choices=DEVICES, help="compute device")
