"""End-to-end tests: the whole workshop in real browsers."""
