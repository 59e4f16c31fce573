"""`make bench`: request, time and memory benchmarks of the connectors against the emulators (issue #5)."""
