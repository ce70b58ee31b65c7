"""Ingest: from source files to a clean, chunked, embedded and searchable index.

Stages (each a function from dataclasses to dataclasses):
    load(path) -> LoadedDoc -> clean(doc) -> CleanDoc -> chunk(doc) -> list[Chunk] -> Index.sync(...)
"""
