"""HTTP and listing: CQL, paginators, partitions, back-off, timeouts, responses parsed once, search pages shared
between streams, archived pages, progress."""
