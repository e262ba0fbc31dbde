"""Scoring: item scores to dimension scores, bands and the rules for strengths. No Flask."""
