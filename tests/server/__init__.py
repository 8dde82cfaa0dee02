"""End-to-end tests of the reference server (`pluvo-codegen serve`) over real HTTP."""
