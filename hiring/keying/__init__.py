"""Keying SJT items by a panel of experts: rounds, experts by link, ratings, agreement
statistics, adopting the panel's key as a new revision, and ratings on paper (CSV).

Domain code: no Flask. Functions take the session as a keyword, flush and never commit.
"""
