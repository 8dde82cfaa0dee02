"""Webhooks tooling: check a team's receiver, listen locally, trigger a sample event.

Like the contract kit, this room talks to a receiver only over HTTP, and it reuses the
verifier and the signer that ship in the generated package (`codegen.runtime.webhooks`).
It never imports the reference server: `trigger --server` asks a running one over HTTP.
"""
