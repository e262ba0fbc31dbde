"""Items: the item types, the formula language, the domain's messages, accommodations (the
time an item gives) and the contents of item revisions. The leaf of the domain: it imports
no other domain package (see tests/domain/test_layers.py for the order of the others)."""
