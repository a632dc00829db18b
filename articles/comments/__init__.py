"""Readers' comments and their moderation: posting, the automatic rules, the queue,
reports and what moderators know of commenters."""
