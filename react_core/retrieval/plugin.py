"""Built-in plugin: the retrieval commands (registered like any third-party plugin)."""
