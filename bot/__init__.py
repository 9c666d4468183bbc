"""The shell: entry point, settings, wiring, middlewares, delivery."""
