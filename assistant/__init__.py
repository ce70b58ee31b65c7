"""mbo-assistant: answers about Dutch mbo policy, grounded in the documents, with citations.

Nothing heavy happens at import; models and clients are built on first use.
"""

__version__ = "0.1.0"
