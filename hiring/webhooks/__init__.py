"""Webhooks: HR's endpoints are told of invitations and attempts as they happen.

events: which events there are, their payloads, and emitting them as delivery rows in
the transaction that made them happen. signing: the HMAC signature a receiver checks.
transport: the one HTTP request a try makes, refusing private addresses."""
