"""Makes this directory a package for pytest, so each domain's tests/ has its own module names."""
