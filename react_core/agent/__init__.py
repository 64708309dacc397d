"""The ReAct agent: prompt, output parser, tools, the loop, events and traces."""
