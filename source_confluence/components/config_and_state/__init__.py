"""Config and state: the config checked before anything is built, where the APIs live, the incoming state read
defensively, and the incremental filter that drops what the previous sync emitted."""
