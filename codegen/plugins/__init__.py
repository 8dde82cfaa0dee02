"""ariadne-codegen plugins: small, one concern each."""
