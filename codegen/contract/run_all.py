"""The whole run of the kit: resolve the target and the schema, find the connections, check them.

Each property itself runs under hypothesis in `hypothesis_run.py`.

Properties run in two lanes when `jobs` is 2 (the default): those that may write
(the bulk properties, and random documents, which may be mutations) one after the
other in one lane, the read-only pagination properties in the other. Each lane has
its own HTTP client; the report keeps the properties' order.
"""

from __future__ import annotations

import queue
import secrets
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from dataclasses import replace
from typing import Any

from graphql import GraphQLError, GraphQLSchema, build_schema

from codegen.contract.baseline import Baseline, load_baseline
from codegen.contract.connections import Connection, find_connections
from codegen.contract.embedded import EmbeddedLaunch
from codegen.contract.exchange_recorder import ExchangeRecorder
from codegen.contract.hypothesis_run import run_property
from codegen.contract.options import ContractOptions
from codegen.contract.outcome import ContractReport, Outcome
from codegen.contract.probe import ISSUING_TEMPLATES, Probe
from codegen.contract.properties import PROPERTIES
from codegen.contract.property import Document, Property, select_documents
from codegen.contract.record_file import RecordFileRecorder, open_record
from codegen.contract.target import Target, open_target
from codegen.contract.violation import Violation
from codegen.errors import CodegenError, ConfigError, TargetError

__all__ = ["check_contract"]

_PREFLIGHT = "query ContractPreflight { __typename }"

Task = tuple[Property[Any], Probe]
# An ExchangeRecorder for a lane, by the lane's name.
NewRecorder = Callable[[str], ExchangeRecorder]


def check_contract(
    options: ContractOptions,
    on_outcome: Callable[[Outcome], None] | None = None,
    *,
    launched: EmbeddedLaunch | None = None,
) -> ContractReport:
    """Check every chosen property against the target of `options`; report each in order.

    `launched` is an embedded server started early (it is stopped here either way)."""
    started = time.monotonic()
    try:
        chosen = choose_properties(options.properties, options.only)
    except CodegenError:
        if launched is not None:
            launched.stop()
        raise
    seed = options.seed if options.seed is not None else secrets.randbelow(2**32)
    outcomes: list[Outcome] = []
    with open_record(options.record) as sink, open_target(options, launched) as target:
        recorders: list[ExchangeRecorder] = []

        def new_recorder(lane: str) -> ExchangeRecorder:
            recorder = RecordFileRecorder(target.url, target.auth, options.timeout, sink, lane)
            recorders.append(recorder)
            return recorder

        try:
            recorder = new_recorder("main")
            _preflight(recorder)
            schema = _load_schema(options, target)
            connections, templates = _choose_connections(schema, options)
            # The bulk properties issue templates from `certificates`, checked or not.
            paged = [*connections, *([templates] if templates and options.allow_mutations else [])]
            baselines = {
                c.name: load_baseline(recorder, c, options.max_page_size)
                for c in paged
                if c.skip_reason is None
            }
            probe = Probe(
                recorder,
                schema,
                Baseline(()),
                target.known_users,
                options.allow_mutations,
                max_page_size=options.max_page_size,
                baselines=baselines,
                connections=tuple(connections),
            )
            tasks = _tasks(chosen, probe, connections)
            run = _run_in_lanes if options.jobs > 1 else _run_in_order
            for outcome in run(tasks, new_recorder, options, seed):
                outcomes.append(outcome)
                if on_outcome is not None:
                    on_outcome(outcome)
        finally:
            for each in recorders:
                each.close()
    return ContractReport(
        target=target.url,
        embedded=target.embedded,
        seed=seed,
        max_examples=options.max_examples,
        allow_mutations=options.allow_mutations,
        outcomes=tuple(outcomes),
        seconds=round(time.monotonic() - started, 1),
        max_page_size=options.max_page_size,
        connections=tuple((c.name, c.skip_reason) for c in connections),
        resent_mutations=sum(each.resent_mutations for each in recorders),
    )


def choose_properties(names: Sequence[str], only: Sequence[str]) -> tuple[Property[Any], ...]:
    """The named properties (in the order given) of the chosen documents; without names, every
    property of those documents, grouped by document."""
    known = {prop.name for prop in PROPERTIES}
    unknown = [name for name in names if name not in known]
    if unknown:
        raise CodegenError(
            f"unknown property {', '.join(unknown)}; the properties are: {', '.join(sorted(known))}"
        )
    documents = select_documents(only)
    if names:  # in the order given: a property may need another to run first
        by_name = {prop.name: prop for prop in PROPERTIES}
        named = [by_name[name] for name in dict.fromkeys(names)]
        return tuple(prop for prop in named if prop.document in documents)
    order = list(Document)
    chosen = [prop for prop in PROPERTIES if prop.document in documents]
    return tuple(sorted(chosen, key=lambda prop: order.index(prop.document)))


def _tasks(
    chosen: Sequence[Property[Any]], probe: Probe, connections: list[Connection]
) -> list[Task]:
    tasks: list[Task] = []
    for prop in chosen:
        if prop.per_connection and connections:
            tasks += [(prop, probe.with_connection(c)) for c in connections]
        else:
            tasks.append((prop, probe))
    return tasks


def _label(prop: Property[Any], probe: Probe, recorder: ExchangeRecorder) -> None:
    """Name the running property in the record."""
    if isinstance(recorder, RecordFileRecorder):
        connection = probe.connection.name if prop.per_connection and probe.connection else None
        recorder.label = f"{prop.name}[{connection}]" if connection else prop.name


def _run_in_order(
    tasks: list[Task], new_recorder: NewRecorder, options: ContractOptions, seed: int
) -> Iterator[Outcome]:
    for prop, probe in tasks:
        _label(prop, probe, probe.recorder)
        yield run_property(prop, probe, max_examples=options.max_examples, seed=seed)


def _run_in_lanes(
    tasks: list[Task], new_recorder: NewRecorder, options: ContractOptions, seed: int
) -> Iterator[Outcome]:
    """Yield outcomes in task order while two lanes run side by side.

    The writing properties run one after the other in the first lane, so that no two
    of them change the endpoint at once; the read-only ones are shared: the second
    lane takes them from the start, the first joins in once its writers are done.
    """
    results: list[Future[Outcome]] = [Future() for _ in tasks]
    writers = [i for i, (prop, _) in enumerate(tasks) if prop.writes]
    readers: queue.SimpleQueue[int] = queue.SimpleQueue()
    reading = [i for i, (prop, _) in enumerate(tasks) if not prop.writes]
    for index in sorted(reading, key=lambda i: not tasks[i][0].heavy):  # heavy ones first
        readers.put(index)
    stop = threading.Event()
    settling = threading.Lock()

    def run(index: int, recorder: ExchangeRecorder) -> None:
        prop, probe = tasks[index]
        _label(prop, probe, recorder)
        try:
            outcome = run_property(
                prop,
                replace(probe, recorder=recorder),
                max_examples=options.max_examples,
                seed=seed,
            )
        except BaseException as error:  # handed to the main thread, which raises it
            stop.set()
            # Every task not settled yet ends with this error too: the lanes stop, so
            # the main thread, waiting on the tasks in order, must not wait for ever
            # on one that no lane will run.
            with settling:
                for future in results:
                    if not future.done():
                        future.set_exception(error)
        else:
            with settling:
                if not results[index].done():
                    results[index].set_result(outcome)

    def lane(name: str, own: list[int]) -> None:
        recorder = new_recorder(name)
        for index in own:
            if stop.is_set():
                return
            run(index, recorder)
        while not stop.is_set():
            try:
                index = readers.get_nowait()
            except queue.Empty:
                return
            run(index, recorder)

    # A lane waiting on the endpoint would otherwise wait up to 5 ms for the
    # interpreter lock after each answer, while the other lane draws examples.
    interval = sys.getswitchinterval()
    sys.setswitchinterval(min(interval, 0.0005))
    threads = [
        threading.Thread(target=lane, args=("writes", writers), daemon=True),
        threading.Thread(target=lane, args=("reads", []), daemon=True),
    ]
    for thread in threads:
        thread.start()
    try:
        for result in results:
            yield result.result()
    finally:
        stop.set()
        for thread in threads:
            thread.join()
        sys.setswitchinterval(interval)


def _choose_connections(
    schema: GraphQLSchema, options: ContractOptions
) -> tuple[list[Connection], Connection | None]:
    """The connections to check, and `certificates` when it is found but not chosen."""
    given: dict[str, dict[str, Any]] = {}
    for name, argument, value in options.variables:
        given.setdefault(name, {})[argument] = value
    found = find_connections(schema, given)
    names = {c.name for c in found}
    unknown_vars = sorted(set(given) - names)
    if unknown_vars:
        raise CodegenError(
            f"--var {unknown_vars[0]}.…: no connection {unknown_vars[0]!r} on Query; "
            f"the connections are: {', '.join(sorted(names)) or 'none'}"
        )
    if not options.connections:
        return found, None
    unknown = [name for name in options.connections if name not in names]
    if unknown:
        raise CodegenError(
            f"unknown connection {', '.join(unknown)}; the connections on Query are: "
            f"{', '.join(sorted(names)) or 'none'}"
        )
    chosen = [c for c in found if c.name in options.connections]
    left_out = [c for c in found if c.name == ISSUING_TEMPLATES and c not in chosen]
    return chosen, (left_out[0] if left_out else None)


def _load_schema(options: ContractOptions, target: Target) -> GraphQLSchema:
    """The schema from --introspect, --schema SOURCE, or the config's schema file."""
    if options.introspect or options.schema_source is not None:
        from codegen.evolution.load import load_schema

        spec = target.url if options.introspect else str(options.schema_source)
        # The target's credentials go to the target's origin only: a --schema URL
        # elsewhere (or any, with the embedded server's own token) is fetched without.
        auth = target.auth if not target.embedded and _same_origin(spec, target.url) else None
        loaded = load_schema(
            spec, root=options.config_file.parent, auth=auth, timeout=options.timeout
        )
        return loaded.graphql_schema
    try:
        return build_schema(options.schema_path.read_text(encoding="utf-8"))
    except (OSError, GraphQLError) as exc:
        raise ConfigError(f"{options.schema_path}: cannot load the schema ({exc})") from exc


def _same_origin(spec: str, url: str) -> bool:
    """True when `spec` is an http(s) URL on the scheme, host and port of `url`."""
    import httpx

    if not spec.startswith(("http://", "https://")):
        return False
    try:
        one, other = httpx.URL(spec), httpx.URL(url)
    except httpx.InvalidURL:
        return False
    return (one.scheme, one.host, one.port) == (other.scheme, other.host, other.port)


def _preflight(recorder: ExchangeRecorder) -> None:
    """Fail early, with exit 2, when the URL is not a GraphQL endpoint."""
    try:
        exchange = recorder.post(_PREFLIGHT)
    except Violation as violation:
        raise TargetError(f"{recorder.url}: {violation}") from None
    finally:
        recorder.clear()
    body = exchange.body
    if not isinstance(body, dict) or not ({"data", "errors"} & set(body)):
        hint = (
            " (Pluvo requires the trailing slash: .../graphql/)" if exchange.status == 404 else ""
        )
        raise TargetError(f"{recorder.url} is not a GraphQL endpoint: HTTP {exchange.status}{hint}")
