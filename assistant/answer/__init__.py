"""Answering: question analysis, retrieval, extractive and llm answers, citation checks."""
