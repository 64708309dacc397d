"""Built-in plugin: the agent commands (registered like any third-party plugin)."""
