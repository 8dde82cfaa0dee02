"""What `pluvo-codegen init` writes: the bundled schema and the standard operations.

Copies of this repository's `schema/pluvo.graphql` and `queries/`; a test keeps
them byte-identical (after changing those, copy them here again).
"""
