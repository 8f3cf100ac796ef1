"""Regional routing of first-line care: each region's channels, opening hours and capacity
as versioned data, and the pure `engine.route` that picks the channel for a disposition."""
