"""Hand-written modules copied verbatim into the generated package.

They import only the standard library, httpx and pydantic, because teams vendor
`generated/pluvo_client` on its own.
"""
