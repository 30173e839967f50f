"""The words letterkit knows: feeling words and their forms, and the clinical words with their
plain meanings.

Both composing a letter (feelings in the pattern, the easy-read glossary) and checking it (the
jargon findings) read these, so this package imports nothing from ``compose`` or ``review``.
The lists themselves are data: ``letterkit/data/feelings.txt`` and ``letterkit/data/jargon.txt``.
"""
