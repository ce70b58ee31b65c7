"""Evaluation: question sets, metrics and reports."""
