"""Other teams' repositories: `init` scaffolds one (`init.py`), `verify` checks a copy.

The command line of both is `command.py`; the manifest that `verify` reads is
`codegen/manifest.py`.
"""
