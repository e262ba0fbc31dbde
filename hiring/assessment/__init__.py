"""The assessment domain: item types and the attempt engine. No Flask here."""
