"""The base of our management commands, whose ``help`` is a ``gettext_lazy`` text."""

from __future__ import annotations

from django.core.management.base import BaseCommand


class TranslatedCommand(BaseCommand):
    """argparse wraps the description with ``re.sub``, which takes no lazy text: the help is
    translated when the parser is made, in the language active then (``--help`` in English
    under ``translation.override("en")``), not when the module is imported."""

    def create_parser(self, prog_name, subcommand, **kwargs):
        self.help = str(self.help)
        return super().create_parser(prog_name, subcommand, **kwargs)
