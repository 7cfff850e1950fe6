"""Delivery targets: where the delivery service sends messages (see ``base``)."""
