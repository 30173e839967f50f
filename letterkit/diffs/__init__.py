"""Diffs: the difference between two letters as data, and its views."""
