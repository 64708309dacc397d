"""ReAct Core domain plugin: movie recommendation on MovieLens-100k.

Candidates come from a FAISS index over the movies' texts (title, year, genres) queried with
the user's profile, interest is scored by the domain adapter (how likely the user is to
say "Yes" to a movie given their history), and a small ranker fitted on the validation split
combines that score with item-kNN and popularity. ``react_recommendation.spec.SPEC`` is the
domain.
"""

__version__ = "0.1.0"
