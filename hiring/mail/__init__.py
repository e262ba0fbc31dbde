"""E-mail to candidates: wording, composing, sending, and the outbox.

The domain side, with no Flask: `templates` holds the wording HR can edit and its
placeholders, `compose` turns wording into a standard message, `sending` puts messages
in the outbox folder or hands them to an SMTP server, and `invitations` decides which
candidate gets which message (invitation, reminder, confirmation) and issues new links.
"""
