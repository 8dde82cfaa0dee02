"""Pluvo's typed GraphQL client generator, drift checks and contract kit."""

__all__: list[str] = []
