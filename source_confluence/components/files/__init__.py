"""Files: attachment bytes delivered through Airbyte file transfer."""
