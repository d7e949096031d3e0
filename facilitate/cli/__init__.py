"""The `facilitate` command: a click group whose default command is `serve`."""

from __future__ import annotations

import click


class DefaultToServe(click.Group):
    """`facilitate` alone (or with only options) runs `facilitate serve`."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or args[0].startswith("-") and args[0] not in ("--help", "-h"):
            args = ["serve", *args]
        return super().parse_args(ctx, args)


@click.group(cls=DefaultToServe)
def main() -> None:
    """facilitate : ateliers d'intelligence collective sur un portable."""


def _register() -> None:
    from facilitate.cli import cluster, serve, templates

    main.add_command(serve.serve)
    main.add_command(templates.templates)
    main.add_command(cluster.cluster)


_register()
