"""Records that care givers and social-care givers document, labelled for sharing."""
