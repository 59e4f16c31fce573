"""Records: each stream's record shaped from what the APIs answered (Cloud v2, v1 and Data Center in one shape)."""
