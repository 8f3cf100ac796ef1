"""Query-response across nodes: the engagement index, producers and the consumer fan-out."""
