"""Uploaded pictures: what is accepted, the clean original kept, and the resized copies."""
