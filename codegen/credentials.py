"""Credentials for every command that talks to a Pluvo endpoint: flags first, then the environment.

`pull`, `diff` (a URL schema), `init --url`, `verify --schema URL`, `contract --url` and
`webhooks trigger --server` all take the same four options and read the same four
environment variables (docs/credentials.md is the reference):

    --token T          PLUVO_TOKEN           a static bearer token
    --token-url URL    PLUVO_TOKEN_URL       OAuth client credentials: the token endpoint,
    --client-id ID     PLUVO_CLIENT_ID         the client id
    --client-secret S  PLUVO_CLIENT_SECRET     and its secret

The rules (`resolve_auth`):

- each value is its flag when given, else its environment variable (an empty variable
  counts as unset);
- a flag chooses the method: `--token` leaves the PLUVO_TOKEN_URL/CLIENT_* variables
  unread, and any of `--token-url`, `--client-id`, `--client-secret` leaves PLUVO_TOKEN
  unread, so a flag always beats what the environment holds;
- a token and a token URL exclude each other; a token URL needs a client id and a
  secret; a client id or secret without a token URL is an error;
- a token must be visible ASCII (it goes into a header); a token URL must be an
  http:// or https:// URL without a user name or password (errors show it).

The result is an `httpx.Auth`: `BearerToken`, or the runtime's `ClientCredentials`
(the one OAuth implementation; the generated client ships the same class). Every
URL the command reads gets the credentials, including both schemas of `diff OLD NEW`.

`token_errors` turns a failed token request into one line that names the token URL,
raised as the command's own error (exit 2).
"""

from __future__ import annotations

import argparse
import contextlib
import os
from collections.abc import Generator, Iterator, Mapping

import httpx

from codegen.errors import CodegenError
from codegen.runtime.auth import ClientCredentials, is_token_request
from codegen.runtime.exceptions import TokenError
from codegen.runtime.retry import AnswerTooSlow

__all__ = [
    "ENVIRONMENT",
    "BearerToken",
    "ClientCredentials",
    "add_credential_options",
    "auth_for",
    "credential_flags",
    "refused_then_renewed",
    "resolve_auth",
    "token_errors",
]

# (attribute, flag, environment variable)
_OPTIONS = (
    ("token", "--token", "PLUVO_TOKEN"),
    ("token_url", "--token-url", "PLUVO_TOKEN_URL"),
    ("client_id", "--client-id", "PLUVO_CLIENT_ID"),
    ("client_secret", "--client-secret", "PLUVO_CLIENT_SECRET"),
)
ENVIRONMENT = tuple(variable for _, _, variable in _OPTIONS)
_OAUTH = ("token_url", "client_id", "client_secret")
_FLAG = {name: flag for name, flag, _ in _OPTIONS}
_VARIABLE = {name: variable for name, _, variable in _OPTIONS}


class BearerToken(httpx.Auth):
    """`Authorization: Bearer <token>`, a static token: nothing to renew, so a 401 is final."""

    def __init__(self, token: str) -> None:
        self._token = token

    def __repr__(self) -> str:
        return "BearerToken(<hidden>)"  # never the token, in a traceback or a log

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response]:
        request.headers["Authorization"] = f"Bearer {self._token}"
        yield request


def add_credential_options(parser: argparse.ArgumentParser, *, target: str = "the URL") -> None:
    """`--token`, `--token-url`, `--client-id`, `--client-secret`, each naming its variable."""
    group = parser.add_argument_group(
        "credentials (a flag beats its environment variable; see docs/credentials.md)"
    )
    method = group.add_mutually_exclusive_group()
    method.add_argument(
        "--token",
        metavar="T",
        help=f"static bearer token for {target} (env PLUVO_TOKEN; default: none)",
    )
    method.add_argument(
        "--token-url",
        metavar="URL",
        help="OAuth token endpoint: client credentials, with --client-id and "
        "--client-secret (env PLUVO_TOKEN_URL; default: none)",
    )
    group.add_argument(
        "--client-id",
        metavar="ID",
        help="OAuth client id, with --token-url (env PLUVO_CLIENT_ID; default: none)",
    )
    group.add_argument(
        "--client-secret",
        metavar="S",
        help="OAuth client secret, with --token-url (env PLUVO_CLIENT_SECRET; default: none)",
    )


def credential_flags(args: argparse.Namespace) -> list[str]:
    """The credential flags given on the command line (not the environment), in order."""
    return [flag for name, flag, _ in _OPTIONS if getattr(args, name, None) is not None]


def resolve_auth(
    args: argparse.Namespace, environ: Mapping[str, str] | None = None
) -> httpx.Auth | None:
    """The credentials the flags and `environ` (default: `os.environ`) give, or None.

    Raises `CodegenError` (exit 2) naming the flag or variable at fault; never shows a
    token or a secret.
    """
    environ = os.environ if environ is None else environ
    flags: dict[str, str | None] = {name: getattr(args, name, None) for name, _, _ in _OPTIONS}
    for name, value in flags.items():
        if value is not None and not value:
            raise CodegenError(f"{_FLAG[name]} is empty")
    if flags["token"] is not None and any(flags[name] is not None for name in _OAUTH):
        stray = [_FLAG[name] for name in _OAUTH if flags[name] is not None]
        raise CodegenError(f"{_listed(stray)} with --token-url, not with --token")
    # A flag chooses the method; the environment fills in only that method's values.
    if flags["token"] is not None:
        readable: tuple[str, ...] = ("token",)
    elif any(flags[name] is not None for name in _OAUTH):
        readable = _OAUTH
    else:
        readable = ("token", *_OAUTH)
    values: dict[str, str] = {}
    source: dict[str, str] = {}
    for name, flag, variable in _OPTIONS:
        given = flags[name]
        if given is not None:
            values[name], source[name] = given, flag
        elif name in readable and environ.get(variable):
            values[name], source[name] = environ[variable], variable
    if "token" in values and "token_url" in values:
        raise CodegenError(
            f"{source['token']} and {source['token_url']} are both set: give a token or a "
            "token URL, not both (a flag, --token or --token-url, overrides the environment)"
        )
    if "token" in values:
        if any(name in values for name in _OAUTH):
            stray = [source[name] for name in _OAUTH if name in values]
            raise CodegenError(f"{_listed(stray)} with a token URL, not with {source['token']}")
        if not all("!" <= char <= "~" for char in values["token"]):
            raise CodegenError(
                f"{source['token']}: not a bearer token (only visible ASCII characters, "
                "no spaces, can go into the Authorization header)"
            )
        return BearerToken(values["token"])
    if "token_url" in values:
        missing = [name for name in ("client_id", "client_secret") if name not in values]
        if missing:
            raise CodegenError(
                f"{source['token_url']} needs --client-id and --client-secret "
                "(or env PLUVO_CLIENT_ID and PLUVO_CLIENT_SECRET)"
            )
        _check_url(values["token_url"], source["token_url"])
        return ClientCredentials(values["token_url"], values["client_id"], values["client_secret"])
    stray = [source[name] for name in ("client_id", "client_secret") if name in values]
    if stray:
        raise CodegenError(f"{_listed(stray)} with --token-url (or env PLUVO_TOKEN_URL)")
    return None


def _listed(names: list[str]) -> str:
    """`--a goes` or `--a and --b go`: the start of a sentence about where options belong."""
    return f"{names[0]} goes" if len(names) == 1 else f"{' and '.join(names)} go"


def auth_for(
    args: argparse.Namespace,
    url: str | None,
    flag: str,
    environ: Mapping[str, str] | None = None,
) -> httpx.Auth | None:
    """`resolve_auth` for a command whose endpoint is `url`, given by option `flag`.

    The environment is read only when `url` is an http(s) URL (a file or `git:` source
    needs no credentials, and a stray PLUVO_* variable must not fail it); credential
    flags without such a URL are an error naming `flag`.
    """
    given = credential_flags(args)
    remote = url is not None and url.startswith(("http://", "https://"))
    auth = resolve_auth(args, environ) if remote or given else None
    if given and not remote:
        raise CodegenError(f"{_listed(given)} with {flag}")
    return auth


def _check_url(url: str, shown: str) -> None:
    """A token URL: http(s), with a host, and no user or password (every error names the
    token URL, so one that held a secret would show it)."""
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise CodegenError(f"{shown}: not a URL ({exc})") from None
    if parsed.userinfo:
        raise CodegenError(
            f"{shown} must not hold a user name or password; give them as the client id "
            "and secret (--client-id, --client-secret)"
        )
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise CodegenError(f"{shown} must be an http:// or https:// URL, got {url!r}")


@contextlib.contextmanager
def token_errors(
    auth: httpx.Auth | None,
    error: type[CodegenError],
    refused: type[CodegenError] | None = None,
) -> Iterator[None]:
    """Inside: a failed token request raises `error` (`refused` for a refused secret).

    The one line names the token URL, not the endpoint the request was for: the
    endpoint was not asked yet. Any other failure passes through unchanged.
    """
    if not isinstance(auth, ClientCredentials):
        yield
        return
    try:
        yield
    except TokenError as exc:
        if exc.status_code in (400, 401):
            raise (refused or error)(
                f"{auth.token_url} refused the client id and secret (HTTP {exc.status_code})"
            ) from None
        raise error(str(exc)) from None
    except httpx.HTTPError as exc:
        request = _request_of(exc)
        if request is None or not is_token_request(request):
            raise
        raise error(f"{auth.token_url}: {_describe(exc, request)}") from None


def refused_then_renewed(response: httpx.Response) -> list[httpx.Response]:
    """The answers HTTP 401 that `ClientCredentials` renewed its token after, before `response`.

    Each is a request the endpoint saw and refused, then was sent once more: a command
    that sends a mutation reports it, never hides it. The token requests themselves
    are not counted.
    """
    return [
        earlier
        for earlier in response.history
        if earlier.status_code == 401 and not is_token_request(earlier.request)
    ]


def _request_of(exc: httpx.HTTPError) -> httpx.Request | None:
    try:
        return exc.request
    except RuntimeError:  # raised outside a request
        return None


def _describe(exc: httpx.HTTPError, request: httpx.Request) -> str:
    if isinstance(exc, httpx.TimeoutException):
        timeouts = request.extensions.get("timeout", {})
        phase = "connect" if isinstance(exc, httpx.ConnectTimeout) else "read"
        seconds = timeouts.get(phase)
        within = f" within {seconds:g} s" if isinstance(seconds, int | float) else ""
        complete = " complete" if isinstance(exc, AnswerTooSlow) else ""  # a body that dripped
        return f"no{complete} answer{within}"
    if isinstance(exc, httpx.ConnectError):
        return f"cannot connect: {exc or type(exc).__name__}"
    return f"the token request failed: {exc or type(exc).__name__}"
