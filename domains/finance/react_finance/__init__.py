"""ReAct Core domain plugin: financial news sentiment, named entities and negative-news monitoring.

Financial PhraseBank and Twitter financial news sentiment, CoNLL-2003 entities, a news
knowledge base written for this project, and ``react finance monitor``, which watches a stream
of news items for surges of negative news per entity. ``react_finance.spec.SPEC`` is the domain.
"""

__version__ = "0.1.0"
