"""Retrieval: embeddings, FAISS indexes, BM25, hybrid fusion, persistence."""
