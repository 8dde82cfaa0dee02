"""The `webhooks` commands (`check`, `listen`, `trigger`) and `serve`'s webhook options.

`codegen/cli.py` registers them; the heavy imports happen only when a command runs.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from codegen.arguments import http_url, seconds, uuid_value
from codegen.errors import EXIT_FOUND, EXIT_OK, CodegenError
from codegen.style import warn

__all__ = ["add_serve_webhook_options", "add_webhooks_parser", "serve_webhook_options"]

CHECK_EXIT_CODES = """\
exit codes:
  0  every property held
  1  a property was violated: the deliveries and the answers are printed
  2  usage error, or nothing listens at --url
"""

TRIGGER_EXIT_CODES = """\
exit codes:
  0  the receiver answered 2xx (with --server: the server queued the event; a
     request resent after HTTP 401 with a renewed token is a warning on stderr)
  1  the receiver answered something else (printed)
  2  usage error or bad credentials, nothing listens, the server refused (no
     --webhook-url, 401), or the token URL failed (named)
"""


def _secret_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--secret", help="the subscription's signing secret (default: env PLUVO_WEBHOOK_SECRET)"
    )


def _require_secret(args: argparse.Namespace) -> str:
    """--secret, else PLUVO_WEBHOOK_SECRET: read when the command runs, as every variable is."""
    secret: str | None = args.secret or os.environ.get("PLUVO_WEBHOOK_SECRET")
    if not secret:
        raise CodegenError("--secret (or PLUVO_WEBHOOK_SECRET) is required")
    return secret


def add_serve_webhook_options(serve: argparse.ArgumentParser) -> None:
    """`serve --webhook-url --webhook-secret --webhook-timeout --webhook-retry-base`."""
    group = serve.add_argument_group("webhooks (see docs/webhooks.md)")
    group.add_argument(
        "--webhook-url",
        type=http_url,
        metavar="URL",
        help="send EVENT_CERTIFICATE_ACHIEVED for every issued certificate to URL "
        "(default: no webhooks)",
    )
    group.add_argument(
        "--webhook-secret", metavar="S", help="the signing secret (default: none; needs a URL)"
    )
    group.add_argument(
        "--webhook-timeout",
        type=seconds,
        default=30.0,
        metavar="SECONDS",
        help="each attempt's time limit (default: 30, as Pluvo)",
    )
    group.add_argument(
        "--webhook-retry-base",
        type=seconds,
        default=10.0,
        metavar="SECONDS",
        help="first retry delay, doubled per retry, capped at 360 times it (default: 10)",
    )


def serve_webhook_options(args: argparse.Namespace) -> dict[str, Any]:
    """The `ServeOptions` fields of the webhook options."""
    if args.webhook_url is not None and not args.webhook_secret:
        raise CodegenError("--webhook-url needs --webhook-secret")
    if args.webhook_url is None and args.webhook_secret is not None:
        raise CodegenError("--webhook-secret goes with --webhook-url")
    return {
        "webhook_url": args.webhook_url,
        "webhook_secret": args.webhook_secret,
        "webhook_timeout": args.webhook_timeout,
        "webhook_retry_base": args.webhook_retry_base,
    }


LISTEN_EXIT_CODES = """\
exit codes:
  0  stopped (Ctrl-C or SIGTERM)
  2  usage error, or the port cannot be bound
"""

WEBHOOKS_EXIT_CODES = """\
exit codes (each command's --help has its own):
  0  ok
  1  check: a property was violated; trigger: the receiver did not answer 2xx
  2  usage error, or the receiver or server cannot be reached
"""


def add_webhooks_parser(commands: Any, config_options: argparse.ArgumentParser) -> None:
    """`pluvo-codegen webhooks check|listen|trigger`."""
    from codegen.arguments import HelpFormatter
    from codegen.credentials import add_credential_options

    formatter = HelpFormatter
    webhooks = commands.add_parser(
        "webhooks",
        help="check a webhook receiver, listen locally, or send a sample event",
        description="Pluvo's webhooks: check a receiver, listen on loopback, trigger an event.",
        epilog=WEBHOOKS_EXIT_CODES,
        formatter_class=formatter,
        parents=[config_options],
    )
    sub = webhooks.add_subparsers(title="commands", metavar="COMMAND", required=True)

    check = sub.add_parser(
        "check",
        help="check that a receiver verifies signatures and answers as Pluvo needs",
        description="Send signed, tampered, unsigned, repeated and unknown events to a "
        "receiver and check each answer's status.",
        epilog=CHECK_EXIT_CODES,
        formatter_class=formatter,
        parents=[config_options],
    )
    check.add_argument("--url", required=True, type=http_url, help="the receiver's URL")
    _secret_option(check)
    check.add_argument(
        "--timeout",
        type=seconds,
        default=30.0,
        metavar="SECONDS",
        help="how long each delivery may take, as Pluvo's 30 s",
    )
    check.add_argument(
        "--user-id",
        type=uuid_value,
        metavar="UUID",
        help="user id in the samples (default: a random one)",
    )
    check.add_argument(
        "--property",
        action="append",
        dest="properties",
        metavar="NAME",
        help="check only this property; repeat it (default: every property)",
    )
    check.add_argument("--format", choices=("text", "json"), default="text", help="report format")
    check.set_defaults(command=run_webhooks_check)

    listen = sub.add_parser(
        "listen",
        help="receive deliveries on loopback and print one line per event",
        description="Receive deliveries on loopback, verify each one, print one line per "
        "event; with --forward-to, pass each request on unchanged to your app.",
        epilog=LISTEN_EXIT_CODES,
        formatter_class=formatter,
        parents=[config_options],
    )
    _secret_option(listen)
    listen.add_argument("--host", default="127.0.0.1", help="address to listen on")
    listen.add_argument(
        "--port", type=int, default=8787, help="port to listen on; 0 picks a free port"
    )
    listen.add_argument(
        "--forward-to",
        type=http_url,
        metavar="URL",
        help="pass every request on unchanged to your app at URL (default: not forwarded)",
    )
    listen.set_defaults(command=run_webhooks_listen)

    trigger = sub.add_parser(
        "trigger",
        help="send one signed sample event to a receiver (or ask a running server to)",
        description="Send one signed sample EVENT to --url, or, with --server, ask a running "
        "reference server to emit it (for EVENT_CERTIFICATE_ACHIEVED: an automatic issuance).",
        epilog=TRIGGER_EXIT_CODES,
        formatter_class=formatter,
        parents=[config_options],
    )
    trigger.add_argument("event", metavar="EVENT", help="e.g. EVENT_CERTIFICATE_ACHIEVED")
    target = trigger.add_mutually_exclusive_group(required=True)
    target.add_argument(
        "--url",
        type=http_url,
        help="the receiver to send the sample to (default: none; this or --server)",
    )
    target.add_argument(
        "--server",
        type=http_url,
        help="a running `pluvo-codegen serve` (default: none; this or --url)",
    )
    _secret_option(trigger)
    trigger.add_argument(
        "--user-id",
        type=uuid_value,
        metavar="UUID",
        help="the user (default: a random one; with --server, the server's first user)",
    )
    trigger.add_argument(
        "--certificate-id",
        type=uuid_value,
        metavar="UUID",
        help="the template, with --server (default: the first by name)",
    )
    trigger.add_argument(
        "--timeout",
        type=seconds,
        default=30.0,
        metavar="SECONDS",
        help="how long the receiver or server may take",
    )
    add_credential_options(trigger, target="--server")
    trigger.set_defaults(command=run_webhooks_trigger)


def run_webhooks_check(args: argparse.Namespace) -> int:
    """`pluvo-codegen webhooks check`."""
    from codegen.webhooks.check import CheckOptions, ReceiverOutcome, check_receiver
    from codegen.webhooks.report import (
        render_check_json,
        render_check_text,
        render_outcome_line,
    )

    options = CheckOptions(
        url=args.url,
        secret=_require_secret(args),
        timeout=args.timeout,
        user_id=args.user_id,
        properties=tuple(args.properties or ()),
    )
    as_text = args.format == "text"

    def show(outcome: ReceiverOutcome) -> None:
        print(render_outcome_line(outcome), flush=True)

    report = check_receiver(options, on_outcome=show if as_text else None)
    sys.stdout.write(
        render_check_text(report, lines=False) if as_text else render_check_json(report)
    )
    return EXIT_FOUND if report.violated else EXIT_OK


def run_webhooks_listen(args: argparse.Namespace) -> int:
    """`pluvo-codegen webhooks listen`."""
    from codegen.webhooks.listen import ListenOptions, listen

    options = ListenOptions(
        secret=_require_secret(args), host=args.host, port=args.port, forward_to=args.forward_to
    )
    listen(options, lambda line: print(line, flush=True))
    return EXIT_OK


def run_webhooks_trigger(args: argparse.Namespace) -> int:
    """`pluvo-codegen webhooks trigger`."""
    from codegen.credentials import auth_for
    from codegen.webhooks.trigger import ask_server, send_sample

    # A receiver (--url) is sent a signed sample: credentials go with --server only.
    auth = auth_for(args, args.server, "--server")
    if args.server is not None:
        if auth is None:
            raise CodegenError(
                "--server needs --token (the server's bearer token), or --token-url with "
                "--client-id and --client-secret (or env PLUVO_TOKEN, see docs/credentials.md)"
            )
        answer = ask_server(
            args.event,
            args.server,
            auth,
            args.user_id,
            args.certificate_id,
            args.timeout,
            resent=lambda url: warn(
                f"{url} answered HTTP 401 and was asked once more with a renewed token; a "
                "server that queued the event before refusing queued it twice"
            ),
        )
        print(f"{args.server}: {args.event} queued for its webhook URL ({answer})")
        return EXIT_OK
    if args.certificate_id is not None:
        raise CodegenError("--certificate-id goes with --server")
    sent = send_sample(args.event, args.url, _require_secret(args), args.user_id, args.timeout)
    print(f"{args.url}: {args.event} answered HTTP {sent.status}")
    if 200 <= sent.status < 300:
        return EXIT_OK
    if sent.body:
        print(sent.body, file=sys.stderr)
    return EXIT_FOUND
