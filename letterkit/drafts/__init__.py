"""Drafts: the store, revisions, Markdown import and merge, attribution."""
