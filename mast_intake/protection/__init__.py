"""Data protection: encryption at rest, the attachment store, retention, subject access, keys.

See the README section "Data protection" for how these fit together and are configured.
"""
