"""Control plane /__emulator/ (contracts §1.4-1.6). Work in progress."""
ROUTES = []
