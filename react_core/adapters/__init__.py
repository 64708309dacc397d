"""Adapters: manifests, the store, runtime merges and alpha fusion."""
